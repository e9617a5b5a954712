import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from './types.ts';

export interface SigningKeyRecord {
  readonly kid: string;
  readonly algorithm: string;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  readonly activatesAt: Date;
  readonly retiresAt: Date | null;
}

/** Keys still published (not retired), newest first. */
export async function publishedKeys(db: Kysely<IdentityDatabase>, now: Date): Promise<SigningKeyRecord[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', now)]))
    .orderBy('activates_at', 'desc')
    .execute();
  return rows.map((r) => ({
    kid: r.kid,
    algorithm: r.algorithm,
    publicJwk: r.public_jwk as JWK,
    privateJwk: r.private_jwk as JWK,
    activatesAt: r.activates_at,
    retiresAt: r.retires_at,
  }));
}

/** Adds a key and schedules every older unretired key to retire at `retireOthersAt`. */
export async function addSigningKey(db: Kysely<IdentityDatabase>, key: Omit<SigningKeyRecord, 'retiresAt'>, retireOthersAt: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('signing_keys').set({ retires_at: retireOthersAt }).where('retires_at', 'is', null).execute();
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
  });
}
