import { sql, type Kysely, type Transaction } from 'kysely';
import { minorFromDb } from '@platform/kernel';
import type { PriceInForce, Product } from '../domain/product.ts';
import { toProduct, type ProductRow } from './product-rows.ts';
import type { CatalogDatabase } from './types.ts';

/** A product (by id, or by SKU when no id) and the instant to price it at. */
export interface PriceRef {
  readonly productId?: string | null;
  readonly sku?: string | null;
  readonly at: Date;
}

export interface FoundPrice {
  readonly product: Product | null;
  /** The price in force at the ref's instant; null when the product has none yet. */
  readonly price: PriceInForce | null;
}

type LookupRow = ProductRow & {
  idx: string;
  found: boolean;
  price_id: string | null;
  monthly_minor: string | null;
  currency: string | null;
  effective_from: Date | null;
};

/**
 * All refs in ONE statement, results in ref order. For each ref: the product, and the price with the
 * latest start at or before the instant (`effective_from <= at`: a price starting at T is in force at T),
 * found by a backward scan of the (product_id, effective_from) index.
 */
export async function findPricesAt(db: Kysely<CatalogDatabase>, refs: readonly PriceRef[]): Promise<FoundPrice[]> {
  if (refs.length === 0) return [];
  const { rows } = await sql<LookupRow>`
    select r.idx, p.id is not null as found, p.*,
           pr.id as price_id, pr.monthly_minor, pr.currency, pr.effective_from
    from unnest(${refs.map((r) => r.productId ?? null)}::uuid[],
                ${refs.map((r) => (r.productId ? null : (r.sku ?? null)))}::text[],
                ${refs.map((r) => r.at)}::timestamptz[]) with ordinality as r(product_id, sku, at, idx)
    left join products p on p.id = coalesce(r.product_id, (select s.id from products s where s.sku = r.sku))
    left join lateral (
      select id, monthly_minor, currency, effective_from from prices
      where prices.product_id = p.id and prices.effective_from <= r.at
      order by prices.effective_from desc
      limit 1
    ) pr on true
    order by r.idx`.execute(db);
  return rows.map((row) => ({
    product: row.found ? toProduct(row) : null,
    price:
      row.found && row.price_id !== null && row.monthly_minor !== null && row.effective_from !== null
        ? {
            id: row.price_id,
            productId: row.id,
            monthlyMinor: minorFromDb(row.monthly_minor),
            currency: row.currency ?? 'ZAR',
            effectiveFrom: row.effective_from,
          }
        : null,
  }));
}

export async function insertPrice(trx: Transaction<CatalogDatabase>, price: PriceInForce): Promise<void> {
  await trx
    .insertInto('prices')
    .values({
      id: price.id,
      product_id: price.productId,
      monthly_minor: price.monthlyMinor,
      currency: price.currency,
      effective_from: price.effectiveFrom,
    })
    .execute();
}
