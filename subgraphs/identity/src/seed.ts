import type { Kysely } from 'kysely';
import type { IdentityDatabase } from './db/types.ts';
import { insertUser } from './db/user-repository.ts';
import { hashPassword } from './domain/passwords.ts';
import { requireEmail } from './domain/validate.ts';

export interface IdentitySeedUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly password: string;
}

/** Loads fixed users; existing ones are left alone (their passwords are not re-hashed). */
export async function seedIdentity(db: Kysely<IdentityDatabase>, users: readonly IdentitySeedUser[], scryptLog2N: number): Promise<number> {
  const existing = new Set((await db.selectFrom('users').select('id').execute()).map((r) => r.id));
  const fresh = users.filter((u) => !existing.has(u.id));
  // Hash in parallel: the libuv pool runs several scrypt computations at once.
  const hashes = await Promise.all(fresh.map((u) => hashPassword(u.password, scryptLog2N)));
  await db.transaction().execute(async (trx) => {
    for (const [i, u] of fresh.entries()) {
      const { email, normalized } = requireEmail(u.email, 'email');
      await insertUser(trx, { id: u.id, email, emailNormalized: normalized, displayName: u.displayName, passwordHash: hashes[i]! }, { ignoreExisting: true });
    }
  });
  return fresh.length;
}
