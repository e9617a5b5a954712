import type { JWK } from 'jose';
import type { Sealed } from '../domain/sealing.ts';
import type { Selectable, Transaction } from 'kysely';
import type { IdentityDatabase, IdentityDb as Db, SigningKeysTable } from './types.ts';

/** As stored: the private key sealed (or, for a row from before sealing, plain until the first start seals it). */
export interface StoredSigningKey {
  readonly kid: string;
  readonly algorithm: string;
  readonly publicJwk: JWK;
  readonly privateKey: { readonly plain: JWK } | Sealed;
  readonly activatesAt: Date;
  readonly retiresAt: Date | null;
}

const toKey = (r: Selectable<SigningKeysTable>): StoredSigningKey => ({
  kid: r.kid,
  algorithm: r.algorithm,
  publicJwk: r.public_jwk as JWK,
  privateKey: r.private_key_sealed !== null && r.kek_id !== null ? { sealed: r.private_key_sealed, kekId: r.kek_id } : { plain: r.private_jwk as JWK },
  activatesAt: r.activates_at,
  retiresAt: r.retires_at,
});

/** Keys still published (not retired), newest first. */
export async function publishedKeys(db: Db, now: Date): Promise<StoredSigningKey[]> {
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

export async function insertSigningKey(
  trx: Transaction<IdentityDatabase>,
  key: { kid: string; algorithm: string; publicJwk: JWK; privateKey: Sealed; activatesAt: Date },
): Promise<void> {
  await trx
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      algorithm: key.algorithm,
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk: null,
      private_key_sealed: key.privateKey.sealed,
      kek_id: key.privateKey.kekId,
      activates_at: key.activatesAt,
    })
    .execute();
}

/** Every key, retired or not (sealing and re-sealing cover them all). */
export async function allKeys(db: Db): Promise<StoredSigningKey[]> {
  return (await db.selectFrom('signing_keys').selectAll().orderBy('activates_at').execute()).map(toKey);
}

export async function storeSealedKey(db: Db, kid: string, sealed: Sealed): Promise<void> {
  await db.updateTable('signing_keys').set({ private_jwk: null, private_key_sealed: sealed.sealed, kek_id: sealed.kekId }).where('kid', '=', kid).execute();
}
