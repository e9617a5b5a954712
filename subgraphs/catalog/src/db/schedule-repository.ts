import { sql, type Kysely } from 'kysely';
import { minorFromDb } from '@platform/kernel';
import type { CatalogDatabase } from './types.ts';

export interface ScheduledPrice {
  readonly sku: string;
  readonly productId: string;
  readonly monthlyMinor: bigint;
  readonly currency: string;
  readonly effectiveFrom: Date;
}

export interface ScheduledVatRate {
  readonly basisPoints: number;
  readonly effectiveFrom: Date;
}

/**
 * Every price of the SKUs in force at some instant of [from, to): the one in force at `from` (latest
 * start <= from) and every one starting inside the window. One statement.
 */
export async function findPriceSchedule(db: Kysely<CatalogDatabase>, skus: readonly string[], from: Date, to: Date): Promise<ScheduledPrice[]> {
  if (skus.length === 0) return [];
  const { rows } = await sql<{ sku: string; product_id: string; monthly_minor: string; currency: string; effective_from: Date }>`
    select p.sku, p.id as product_id, pr.monthly_minor, pr.currency, pr.effective_from
    from products p
    join prices pr on pr.product_id = p.id
    where p.sku = any(${[...skus]}::text[])
      and pr.effective_from < ${to}
      and pr.effective_from >= coalesce(
        (select max(x.effective_from) from prices x where x.product_id = p.id and x.effective_from <= ${from}),
        '-infinity'::timestamptz)
    order by p.sku, pr.effective_from`.execute(db);
  return rows.map((r) => ({
    sku: r.sku,
    productId: r.product_id,
    monthlyMinor: minorFromDb(r.monthly_minor),
    currency: r.currency,
    effectiveFrom: r.effective_from,
  }));
}

/** The VAT rates in force at some instant of [from, to), oldest first. */
export async function findVatSchedule(db: Kysely<CatalogDatabase>, from: Date, to: Date): Promise<ScheduledVatRate[]> {
  const { rows } = await sql<{ rate_bp: number; effective_from: Date }>`
    select rate_bp, effective_from from vat_rates
    where effective_from < ${to}
      and effective_from >= coalesce((select max(effective_from) from vat_rates where effective_from <= ${from}), '-infinity'::timestamptz)
    order by effective_from`.execute(db);
  return rows.map((r) => ({ basisPoints: r.rate_bp, effectiveFrom: r.effective_from }));
}
