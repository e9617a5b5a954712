import type { JWK } from 'jose';
import type { Selectable, Transaction } from 'kysely';
import type { IdentityDatabase, IdentityDb as Db, SigningKeysTable } from './types.ts';

export interface SigningKeyRecord {
  readonly kid: string;
  readonly algorithm: string;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  readonly activatesAt: Date;
  readonly retiresAt: Date | null;
}

const toKey = (r: Selectable<SigningKeysTable>): SigningKeyRecord => ({
  kid: r.kid,
  algorithm: r.algorithm,
  publicJwk: r.public_jwk as JWK,
  privateJwk: r.private_jwk as JWK,
  activatesAt: r.activates_at,
  retiresAt: r.retires_at,
});

/** Keys still published (not retired), newest first. */
export async function publishedKeys(db: Db, now: Date): Promise<SigningKeyRecord[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', now)]))
    .orderBy('activates_at', 'desc')
    .execute();
  return rows.map(toKey);
}

/** Schedules every unretired key to retire at `at` (a newer key is about to replace them). */
export async function retireUnretiredKeys(trx: Transaction<IdentityDatabase>, at: Date): Promise<void> {
  await trx.updateTable('signing_keys').set({ retires_at: at }).where('retires_at', 'is', null).execute();
}

export async function insertSigningKey(trx: Transaction<IdentityDatabase>, key: Omit<SigningKeyRecord, 'retiresAt'>): Promise<void> {
  await trx
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      algorithm: key.algorithm,
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk: JSON.stringify(key.privateJwk),
      activates_at: key.activatesAt,
    })
    .execute();
}
