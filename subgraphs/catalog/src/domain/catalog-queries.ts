import type { Kysely } from 'kysely';
import { allSettledOrThrow, badInput, fail, isUuid } from '@platform/kernel';
import { findProductsBySkus, listCategories as listCategoryRows, listProducts as listProductRows } from '../db/product-repository.ts';
import type { CatalogDatabase } from '../db/types.ts';
import { findVatRateAt } from '../db/vat-repository.ts';
import { breakdownOf, priceItems, type PriceBreakdown, type PricedItem } from './price-lookup.ts';
import { PRODUCT_KINDS, type Category, type Product, type ProductFilter, type ProductKind } from './product.ts';
import type { VatRate } from './vat.ts';
import { parseVmSpec, type VmSpec, type VmSpecInput } from './vm-spec.ts';

type Db = Kysely<CatalogDatabase>;

export const MAX_CATEGORIES = 100;
export const MAX_PRICE_REQUESTS = 500;

export interface ProductFilterInput {
  readonly category?: string | null;
  readonly kind?: string | null;
  readonly active?: boolean | null;
  readonly minVcpu?: number | null;
  readonly minMemoryGib?: number | null;
  readonly search?: string | null;
}

export function parseProductFilter(input: ProductFilterInput | null | undefined): ProductFilter {
  if (!input) return {};
  const filter: { -readonly [K in keyof ProductFilter]: ProductFilter[K] } = {};
  if (input.category != null) {
    if (!isUuid(input.category)) throw badInput('filter.category', 'is not a category id.');
    filter.categoryId = input.category;
  }
  if (input.kind != null) {
    if (!(PRODUCT_KINDS as readonly string[]).includes(input.kind)) throw badInput('filter.kind', `must be one of ${PRODUCT_KINDS.join(', ')}.`);
    filter.kind = input.kind as ProductKind;
  }
  if (input.active != null) filter.active = input.active;
  for (const key of ['minVcpu', 'minMemoryGib'] as const) {
    const value = input[key];
    if (value == null) continue;
    if (!Number.isInteger(value) || value < 0) throw badInput(`filter.${key}`, 'must be a whole number, 0 or more.');
    filter[key] = value;
  }
  if (input.search != null && input.search.trim() !== '') {
    const search = input.search.trim();
    if (search.length > 100) throw badInput('filter.search', 'must be at most 100 characters.', { max: 100 });
    filter.search = search;
  }
  return filter;
}

export const listProducts = (db: Db, filter: ProductFilter, fetch: number, afterSku: string | null): Promise<Product[]> =>
  listProductRows(db, filter, fetch, afterSku);

/** A VM size on sale: its product and shape (what the demo fleet is built from). */
export type VmSizeOffer = Pick<Product, 'id' | 'sku'> & Pick<VmSpec, 'vcpu' | 'cpuSpeed' | 'memoryGib' | 'diskGib' | 'storageTier'>;

/** Every active VM_SIZE product, in SKU order. */
export async function listActiveVmSizes(db: Db): Promise<VmSizeOffer[]> {
  const sizes: VmSizeOffer[] = [];
  const pageSize = 500;
  for (let afterSku: string | null = null; ; ) {
    const page = await listProductRows(db, { kind: 'VM_SIZE', active: true }, pageSize, afterSku);
    for (const { id, sku, vmSpec } of page) {
      if (vmSpec) sizes.push({ id, sku, vcpu: vmSpec.vcpu, cpuSpeed: vmSpec.cpuSpeed, memoryGib: vmSpec.memoryGib, diskGib: vmSpec.diskGib, storageTier: vmSpec.storageTier });
    }
    if (page.length < pageSize) return sizes;
    afterSku = page[page.length - 1]!.sku;
  }
}

export async function findProductBySku(db: Db, sku: string): Promise<Product | null> {
  return (await findProductsBySkus(db, [sku]))[0] ?? null;
}

export const listCategories = (db: Db): Promise<Category[]> => listCategoryRows(db, MAX_CATEGORIES);

export const vatRateAt = (db: Db, at: Date): Promise<VatRate | null> => findVatRateAt(db, at);

/** A custom VM priced at `at` with VAT: two statements (components, VAT rate), run together. */
export async function priceVirtualMachine(db: Db, specInput: VmSpecInput, at: Date): Promise<PriceBreakdown> {
  const spec = parseVmSpec(specInput, 'spec');
  const [[item], vat] = await allSettledOrThrow([priceItems(db, [{ subject: { spec }, at, field: '' }], { requireActive: true }), findVatRateAt(db, at)]);
  if (!vat) throw fail('INVALID_STATE', `No VAT rate is in force at ${at.toISOString()}.`);
  return breakdownOf(item!, vat);
}

export interface InternalPriceRequest {
  readonly productId?: string | null;
  readonly spec?: VmSpecInput | null;
  readonly at: Date;
}

/** For other subgraphs: net prices of products and specs at their instants, in ONE SQL statement. */
export async function internalPrices(db: Db, requests: readonly InternalPriceRequest[]): Promise<PricedItem[]> {
  if (requests.length > MAX_PRICE_REQUESTS) throw badInput('requests', `may hold at most ${MAX_PRICE_REQUESTS} requests.`, { max: MAX_PRICE_REQUESTS });
  const queries = requests.map((r, i) => {
    const field = `requests[${i}]`;
    const hasProduct = r.productId != null;
    const hasSpec = r.spec != null;
    if (hasProduct === hasSpec) throw badInput(field, 'give either productId or spec, not both or neither.');
    const subject = hasProduct ? { productId: r.productId! } : { spec: parseVmSpec(r.spec!, `${field}.spec`) };
    return { subject, at: r.at, field };
  });
  return priceItems(db, queries, { requireActive: false });
}
