import type { Kysely, Transaction } from 'kysely';
import { badInput, DEFAULT_CURRENCY, fail, isUniqueViolation, isUuid, newId, parseAmount } from '@platform/kernel';
import { insertPrice } from '../db/price-repository.ts';
import {
  findCategoriesByIds,
  findProductsByIds,
  findProductsBySkus,
  insertCategory,
  insertProduct,
  updateProduct as updateProductRow,
} from '../db/product-repository.ts';
import type { CatalogDatabase } from '../db/types.ts';
import { insertVatRate } from '../db/vat-repository.ts';
import { PRODUCT_KINDS, type Category, type PriceInForce, type Product, type ProductKind, type StorageBlockSpec } from './product.ts';
import type { VatRate } from './vat.ts';
import { parseVmSpec, SKU_PATTERN, STORAGE_TIERS, type StorageTier, type VmSpec, type VmSpecInput } from './vm-spec.ts';

// Catalogue administration (provider staff; the resolver checks who). Everything is validated before
// the transaction starts; a constraint that still trips inside it becomes CONFLICT, nothing written.

type Db = Kysely<CatalogDatabase>;

function text(value: string, field: string, { min = 1, max = 200 } = {}): string {
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) throw badInput(field, `must be ${min} to ${max} characters.`, { min, max });
  return trimmed;
}

function notBefore(at: Date, now: Date, field: string, strictly: boolean): Date {
  const ok = strictly ? at.getTime() > now.getTime() : at.getTime() >= now.getTime();
  if (!ok) {
    throw badInput(field, `must be ${strictly ? 'in the future' : 'now or later'}: prices in force are never edited, only succeeded.`);
  }
  return at;
}

async function requireCategory(db: Db, categoryId: string, field: string): Promise<void> {
  if (!isUuid(categoryId) || (await findCategoriesByIds(db, [categoryId])).length === 0) {
    throw badInput(field, 'no category has this id.');
  }
}

export const slugOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export async function createCategory(db: Db, input: { name: string }): Promise<Category> {
  const name = text(input.name, 'input.name', { max: 100 });
  const category: Category = { id: newId(), code: slugOf(name) || newId(), name };
  try {
    await db.transaction().execute((trx) => insertCategory(trx, category));
  } catch (error) {
    if (isUniqueViolation(error)) throw fail('CONFLICT', `A category named "${name}" already exists.`, { field: 'input.name' });
    throw error;
  }
  return category;
}

export interface CreateProductInput {
  readonly sku: string;
  readonly name: string;
  readonly description?: string | null;
  readonly kind: string;
  readonly categoryId: string;
  readonly vmSpec?: VmSpecInput | null;
  readonly storageBlock?: { readonly sizeGib: number; readonly tier: string } | null;
  readonly monthlyPrice: string;
  readonly priceEffectiveFrom?: Date | null;
}

/** A VM size's licences and add-ons must be products of those kinds. */
async function checkExtras(db: Db, spec: VmSpec): Promise<void> {
  const found = new Map((await findProductsBySkus(db, [...spec.licences, ...spec.addOns])).map((p) => [p.sku, p.kind]));
  const check = (skus: readonly string[], kind: ProductKind, field: string) =>
    skus.forEach((sku, i) => {
      if (found.get(sku) !== kind) throw badInput(`${field}[${i}]`, `no ${kind} product has SKU ${sku}.`);
    });
  check(spec.licences, 'LICENCE', 'input.vmSpec.licences');
  check(spec.addOns, 'ADD_ON', 'input.vmSpec.addOns');
}

function parseStorageBlock(input: { sizeGib: number; tier: string }): StorageBlockSpec {
  if (!Number.isInteger(input.sizeGib) || input.sizeGib < 1 || input.sizeGib > 10_000) {
    throw badInput('input.storageBlock.sizeGib', `must be a whole number from 1 to 10000; got ${input.sizeGib}.`, { min: 1, max: 10_000 });
  }
  if (!(STORAGE_TIERS as readonly string[]).includes(input.tier)) {
    throw badInput('input.storageBlock.tier', `must be one of ${STORAGE_TIERS.join(', ')}.`);
  }
  return { sizeGib: input.sizeGib, tier: input.tier as StorageTier };
}

export async function createProduct(db: Db, input: CreateProductInput, now: Date): Promise<Product> {
  if (!SKU_PATTERN.test(input.sku)) {
    throw badInput('input.sku', 'must be 2 to 40 characters of A-Z, 0-9 and "-", starting with a letter or digit.');
  }
  const name = text(input.name, 'input.name');
  const description = (input.description ?? '').trim();
  if (description.length > 2000) throw badInput('input.description', 'must be at most 2000 characters.', { max: 2000 });
  if (!(PRODUCT_KINDS as readonly string[]).includes(input.kind)) throw badInput('input.kind', `must be one of ${PRODUCT_KINDS.join(', ')}.`);
  const kind = input.kind as ProductKind;
  const hasVm = input.vmSpec !== undefined && input.vmSpec !== null;
  const hasBlock = input.storageBlock !== undefined && input.storageBlock !== null;
  if (hasVm !== (kind === 'VM_SIZE')) throw badInput('input.vmSpec', kind === 'VM_SIZE' ? 'is required for a VM_SIZE.' : `is only for VM_SIZE products.`);
  if (hasBlock !== (kind === 'STORAGE')) {
    throw badInput('input.storageBlock', kind === 'STORAGE' ? 'is required for STORAGE.' : 'is only for STORAGE products.');
  }
  const vmSpec = hasVm ? parseVmSpec(input.vmSpec!, 'input.vmSpec') : null;
  const storageBlock = hasBlock ? parseStorageBlock(input.storageBlock!) : null;
  const monthlyMinor = parseAmount(input.monthlyPrice, 'input.monthlyPrice');
  const effectiveFrom = notBefore(input.priceEffectiveFrom ?? now, now, 'input.priceEffectiveFrom', false);
  await requireCategory(db, input.categoryId, 'input.categoryId');
  if (vmSpec) await checkExtras(db, vmSpec);

  const product: Product = {
    id: newId(),
    sku: input.sku,
    name,
    description,
    kind,
    categoryId: input.categoryId,
    vmSpec,
    storageBlock,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  const price: PriceInForce = { id: newId(), productId: product.id, monthlyMinor, currency: DEFAULT_CURRENCY, effectiveFrom };
  try {
    await db.transaction().execute(async (trx) => {
      await insertProduct(trx, product);
      await insertPrice(trx, price);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw fail('CONFLICT', `A product with SKU ${input.sku} already exists.`, { field: 'input.sku' });
    throw error;
  }
  return product;
}

export interface UpdateProductInput {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly categoryId?: string | null;
  readonly active?: boolean | null;
}

/** Name, description, category and active flag. A product's spec and SKU are its identity and never change. */
export async function updateProduct(db: Db, id: string, input: UpdateProductInput, now: Date): Promise<Product> {
  if (!isUuid(id)) throw fail('NOT_FOUND', 'Product not found.');
  const patch = {
    ...(input.name != null ? { name: text(input.name, 'input.name') } : {}),
    ...(input.description != null ? { description: text(input.description, 'input.description', { min: 0, max: 2000 }) } : {}),
    ...(input.categoryId != null ? { categoryId: input.categoryId } : {}),
    ...(input.active != null ? { active: input.active } : {}),
  };
  if (Object.keys(patch).length === 0) throw badInput('input', 'names nothing to change.');
  if (patch.categoryId !== undefined) await requireCategory(db, patch.categoryId, 'input.categoryId');
  const updated = await db.transaction().execute((trx: Transaction<CatalogDatabase>) => updateProductRow(trx, id, patch, now));
  if (!updated) throw fail('NOT_FOUND', 'Product not found.');
  return updated;
}

/** A new price from a future instant; it succeeds the one in force then. Past prices are never touched. */
export async function scheduleProductPrice(
  db: Db,
  input: { productId: string; monthlyPrice: string; effectiveFrom: Date },
  now: Date,
): Promise<PriceInForce> {
  const monthlyMinor = parseAmount(input.monthlyPrice, 'input.monthlyPrice');
  const effectiveFrom = notBefore(input.effectiveFrom, now, 'input.effectiveFrom', true);
  if (!isUuid(input.productId) || (await findProductsByIds(db, [input.productId])).length === 0) {
    throw badInput('input.productId', 'no product has this id.');
  }
  const price: PriceInForce = { id: newId(), productId: input.productId, monthlyMinor, currency: DEFAULT_CURRENCY, effectiveFrom };
  try {
    await db.transaction().execute((trx) => insertPrice(trx, price));
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw fail('CONFLICT', `A price for this product already starts at ${effectiveFrom.toISOString()}.`, { field: 'input.effectiveFrom' });
    }
    throw error;
  }
  return price;
}

export async function scheduleVatRate(db: Db, input: { basisPoints: number; effectiveFrom: Date }, now: Date): Promise<VatRate> {
  if (!Number.isInteger(input.basisPoints) || input.basisPoints < 0 || input.basisPoints > 10_000) {
    throw badInput('input.basisPoints', `must be a whole number from 0 to 10000 (1500 = 15 %); got ${input.basisPoints}.`, { min: 0, max: 10_000 });
  }
  const effectiveFrom = notBefore(input.effectiveFrom, now, 'input.effectiveFrom', true);
  const rate: VatRate = { id: newId(), basisPoints: input.basisPoints, effectiveFrom };
  try {
    await db.transaction().execute((trx) => insertVatRate(trx, rate));
  } catch (error) {
    if (isUniqueViolation(error)) throw fail('CONFLICT', `A VAT rate already starts at ${effectiveFrom.toISOString()}.`, { field: 'input.effectiveFrom' });
    throw error;
  }
  return rate;
}
