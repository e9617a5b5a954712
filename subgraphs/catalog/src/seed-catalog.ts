import type { Kysely } from 'kysely';
import { inTransaction, migrateToLatest, newId } from '@platform/kernel';
import { CatalogMigrations } from './db/migrations/index.ts';
import { ensureCategories, ensureProducts, ensureVatRate } from './db/seed-repository.ts';
import type { CatalogDatabase } from './db/types.ts';
import { SEED_CATEGORIES, SEED_PRICES_FROM, SEED_PRODUCTS, SEED_VAT } from './domain/seed-catalog-data.ts';

export interface SeedResult {
  readonly categories: number;
  readonly products: number;
  /** Products this run added (0 on a second run). */
  readonly productsAdded: number;
}

/**
 * Seeds the demo catalogue (39 products in 10 categories, their list prices from 2025-01-01, and the
 * 15 % VAT rate). Idempotent: it migrates first, then adds only what is missing, by stable SKU.
 */
export async function seedCatalog<DB>(db: Kysely<DB>): Promise<SeedResult> {
  await migrateToLatest(db, CatalogMigrations);
  // Callers may hold the handle under any schema type; after migrating, these are the catalog's tables.
  const catalog = db as unknown as Kysely<CatalogDatabase>;
  return inTransaction(catalog, async (trx) => {
    const categoryIds = await ensureCategories(
      trx,
      SEED_CATEGORIES.map((c) => ({ ...c, id: newId() })),
    );
    const productsAdded = await ensureProducts(
      trx,
      SEED_PRODUCTS.map((p) => {
        const categoryId = categoryIds.get(p.category);
        if (!categoryId) throw new Error(`seed product ${p.sku} names unknown category ${p.category}`);
        return { ...p, id: newId(), categoryId, priceId: newId() };
      }),
      SEED_PRICES_FROM,
    );
    await ensureVatRate(trx, { id: newId(), ...SEED_VAT });
    return { categories: SEED_CATEGORIES.length, products: SEED_PRODUCTS.length, productsAdded };
  });
}
