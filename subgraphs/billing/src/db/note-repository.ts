import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AddNote, Note } from '../domain/note.ts';
import type { BillingDatabase, NotesTable } from './types.ts';

type NoteRow = Selectable<NotesTable>;

// Rows never leave this file: callers get domain types.
const toNote = (row: NoteRow): Note => ({ id: row.id, organizationId: row.organization_id, text: row.text, createdAt: row.created_at });

export async function findNotesByIds(db: Kysely<BillingDatabase>, ids: readonly string[]): Promise<Note[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('notes').selectAll().where('id', 'in', ids).execute();
  return rows.map(toNote);
}

/** The caller owns the transaction: the note and whatever else it writes commit together. */
export async function insertNote(trx: Transaction<BillingDatabase>, note: AddNote & { readonly id: string }): Promise<Note> {
  const row = await trx
    .insertInto('notes')
    .values({ id: note.id, organization_id: note.organizationId, text: note.text })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toNote(row);
}
