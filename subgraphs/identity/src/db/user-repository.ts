import type { Selectable, Transaction } from 'kysely';
import type { User, UserCredentials } from '../domain/user.ts';
import type { IdentityDatabase, IdentityDb as Db, UsersTable } from './types.ts';

const toUser = (row: Selectable<UsersTable>): UserCredentials => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  createdAt: row.created_at,
  passwordHash: row.password_hash,
});

const withoutSecret = ({ passwordHash: _secret, ...user }: UserCredentials): User => user;

export async function findUsers(db: Db, ids: readonly string[]): Promise<User[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  return rows.map((r) => withoutSecret(toUser(r)));
}

/** Which of these ids already exist. */
export async function existingUserIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function findCredentialsByEmail(db: Db, emailNormalized: string): Promise<UserCredentials | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email_normalized', '=', emailNormalized).executeTakeFirst();
  return row && toUser(row);
}

export interface NewUserRow {
  readonly id: string;
  readonly email: string;
  readonly emailNormalized: string;
  readonly displayName: string;
  readonly passwordHash: string;
}

/** The inserted user; undefined when `ignoreExisting` skipped an id already there. */
export async function insertUser(trx: Transaction<IdentityDatabase>, user: NewUserRow, { ignoreExisting = false } = {}): Promise<User | undefined> {
  const row = await trx
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      email_normalized: user.emailNormalized,
      display_name: user.displayName,
      password_hash: user.passwordHash,
    })
    .$if(ignoreExisting, (q) => q.onConflict((oc) => oc.doNothing()))
    .returningAll()
    .executeTakeFirst();
  return row && withoutSecret(toUser(row));
}
