import { sql, type Kysely, type Transaction } from 'kysely';
import type { ProductPatch } from '../domain/catalog-input.ts';
import type { Category, Product, ProductFilter } from '../domain/product.ts';
import { productColumns, toProduct, type ProductRow } from './product-rows.ts';
import type { CatalogDatabase } from './types.ts';

type Db = Kysely<CatalogDatabase>;

/** One statement for any number of ids. */
export async function findProductsByIds(db: Db, ids: readonly string[]): Promise<Product[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toProduct);
}

export async function findProductsBySkus(db: Db, skus: readonly string[]): Promise<Product[]> {
  if (skus.length === 0) return [];
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('sku', 'in', [...skus])
    .execute();
  return rows.map(toProduct);
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A page of products in SKU order, `fetch` rows after `afterSku`. */
export async function listProducts(db: Db, filter: ProductFilter, fetch: number, afterSku: string | null): Promise<Product[]> {
  let query = db.selectFrom('products').selectAll();
  if (filter.categoryId !== undefined) query = query.where('category_id', '=', filter.categoryId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.minVcpu !== undefined) query = query.where('vcpu', '>=', filter.minVcpu);
  if (filter.minMemoryGib !== undefined) query = query.where('memory_gib', '>=', filter.minMemoryGib);
  if (filter.search !== undefined) {
    const pattern = `%${escapeLike(filter.search)}%`;
    query = query.where((eb) => eb.or([eb('sku', 'ilike', pattern), eb('name', 'ilike', pattern), eb('description', 'ilike', pattern)]));
  }
  if (afterSku !== null) query = query.where('sku', '>', afterSku);
  const rows = await query.orderBy('sku').limit(fetch).execute();
  return rows.map(toProduct);
}

/** A page per category, in one statement (a lateral join per category). */
export async function listProductsOfCategories(
  db: Db,
  categoryIds: readonly string[],
  fetch: number,
  afterSku: string | null,
): Promise<Map<string, Product[]>> {
  const byCategory = new Map<string, Product[]>(categoryIds.map((id) => [id, []]));
  if (categoryIds.length === 0) return byCategory;
  const { rows } = await sql<ProductRow>`
    select p.* from unnest(${[...categoryIds]}::uuid[]) as c(id)
    cross join lateral (
      select * from products
      where category_id = c.id and (${afterSku}::text is null or sku > ${afterSku}::text)
      order by sku limit ${fetch}
    ) p`.execute(db);
  for (const row of rows) byCategory.get(row.category_id)?.push(toProduct(row));
  return byCategory;
}

export async function insertProduct(trx: Transaction<CatalogDatabase>, product: Product): Promise<void> {
  await trx.insertInto('products').values(productColumns(product)).execute();
}

export async function updateProduct(trx: Transaction<CatalogDatabase>, id: string, patch: ProductPatch, now: Date): Promise<Product | null> {
  const row = await trx
    .updateTable('products')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.categoryId !== undefined ? { category_id: patch.categoryId } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ? toProduct(row) : null;
}

export async function findCategoriesByIds(db: Db, ids: readonly string[]): Promise<Category[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('categories')
    .select(['id', 'code', 'name'])
    .where('id', 'in', [...ids])
    .execute();
}

/** Categories are reference data (tens, not thousands); `limit` keeps the list bounded anyway. */
export async function listCategories(db: Db, limit: number): Promise<Category[]> {
  return db.selectFrom('categories').select(['id', 'code', 'name']).orderBy('name').limit(limit).execute();
}

export async function insertCategory(trx: Transaction<CatalogDatabase>, category: Category): Promise<void> {
  await trx.insertInto('categories').values(category).execute();
}
