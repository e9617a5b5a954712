import { sql, type Transaction } from 'kysely';
import type { SeedCategory, SeedProduct } from '../domain/seed-catalog-data.ts';
import type { CatalogDatabase } from './types.ts';

// Insert-if-absent writes for the demo seed: safe to run twice, or by two processes at once.

type Trx = Transaction<CatalogDatabase>;

/** Returns category ids by code, existing ones included. */
export async function ensureCategories(trx: Trx, categories: readonly (SeedCategory & { id: string })[]): Promise<Map<string, string>> {
  await trx
    .insertInto('categories')
    .values([...categories])
    .onConflict((oc) => oc.doNothing())
    .execute();
  const rows = await trx
    .selectFrom('categories')
    .select(['id', 'code'])
    .where(
      'code',
      'in',
      categories.map((c) => c.code),
    )
    .execute();
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Returns how many products were new. Prices are added for new and existing products alike, once. */
export async function ensureProducts(
  trx: Trx,
  products: readonly (SeedProduct & { id: string; categoryId: string; priceId: string })[],
  pricesFrom: Date,
): Promise<number> {
  const inserted = await trx
    .insertInto('products')
    .values(
      products.map((p) => ({
        id: p.id,
        sku: p.sku,
        name: p.name,
        description: p.description,
        kind: p.kind,
        category_id: p.categoryId,
        vcpu: p.vmSpec?.vcpu ?? null,
        cpu_speed: p.vmSpec?.cpuSpeed ?? null,
        memory_gib: p.vmSpec?.memoryGib ?? null,
        disk_gib: p.vmSpec?.diskGib ?? p.storageBlock?.sizeGib ?? null,
        storage_tier: p.vmSpec?.storageTier ?? p.storageBlock?.tier ?? null,
      })),
    )
    .onConflict((oc) => oc.column('sku').doNothing())
    .returning('id')
    .execute();
  // Look ids up by SKU so a product seeded earlier (with another id) gets its price too.
  await sql`
    insert into prices (id, product_id, monthly_minor, currency, effective_from)
    select s.price_id, p.id, s.monthly_minor, 'ZAR', ${pricesFrom}::timestamptz
    from unnest(${products.map((p) => p.priceId)}::uuid[], ${products.map((p) => p.sku)}::text[],
                ${products.map((p) => p.monthlyMinor.toString())}::bigint[]) as s(price_id, sku, monthly_minor)
    join products p on p.sku = s.sku
    on conflict (product_id, effective_from) do nothing`.execute(trx);
  return inserted.length;
}

export async function ensureVatRate(trx: Trx, rate: { id: string; basisPoints: number; effectiveFrom: Date }): Promise<void> {
  await trx
    .insertInto('vat_rates')
    .values({ id: rate.id, rate_bp: rate.basisPoints, effective_from: rate.effectiveFrom })
    .onConflict((oc) => oc.column('effective_from').doNothing())
    .execute();
}
