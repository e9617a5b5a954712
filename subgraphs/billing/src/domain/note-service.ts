import { inTransaction, newId } from '@platform/kernel';
import { findNotesByIds, insertNote } from '../db/note-repository.ts';
import type { BillingDb } from '../db/types.ts';
import type { AddNote, Note } from './note.ts';

/** The notes' rules. Each write is one transaction the service opens and hands to the repository. */
export class NoteService {
  constructor(private readonly db: BillingDb) {}

  byIds(ids: readonly string[]): Promise<Note[]> {
    return findNotesByIds(this.db, ids);
  }

  add(command: AddNote): Promise<Note> {
    return inTransaction(this.db, async (trx) => {
      const note = await insertNote(trx, { id: newId(), ...command });
      // Another subgraph needs to hear of it? Add the topic to EventContracts (packages/events) and write
      // it here, in the same transaction: await writeOutbox(trx, 'billing.note.added', { noteId: note.id });
      return note;
    });
  }
}
