import type { Kysely, Transaction } from 'kysely';
import type { VatRate } from '../domain/vat.ts';
import type { CatalogDatabase } from './types.ts';

/** The rate with the latest start at or before `at` (a rate starting at T applies at T). */
export async function findVatRateAt(db: Kysely<CatalogDatabase>, at: Date): Promise<VatRate | null> {
  const row = await db
    .selectFrom('vat_rates')
    .select(['id', 'rate_bp', 'effective_from'])
    .where('effective_from', '<=', at)
    .orderBy('effective_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, basisPoints: row.rate_bp, effectiveFrom: row.effective_from } : null;
}

export async function insertVatRate(trx: Transaction<CatalogDatabase>, rate: VatRate): Promise<void> {
  await trx.insertInto('vat_rates').values({ id: rate.id, rate_bp: rate.basisPoints, effective_from: rate.effectiveFrom }).execute();
}
