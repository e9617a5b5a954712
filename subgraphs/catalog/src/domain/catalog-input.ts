import { badInput, parseAmount, parseId, parseText } from '@platform/kernel';
import { PRODUCT_KINDS, type Product, type ProductKind, type StorageBlockSpec } from './product.ts';
import { parseVmSpec, SKU_PATTERN, STORAGE_TIERS, type StorageTier, type VmSpecInput } from './vm-spec.ts';

// The catalogue administration commands, parsed. Fields are named as in the input object ("name");
// the resolver runs these under fieldsUnder('input'), so clients read "input.name".

const NAME = { max: 200, singleLine: true } as const;
const DESCRIPTION = { min: 0, max: 2000 } as const;

/** Prices in force are never edited, only succeeded: a start is now or later (`strictly`: later). */
function notBefore(at: Date, now: Date, field: string, strictly: boolean): Date {
  const ok = strictly ? at.getTime() > now.getTime() : at.getTime() >= now.getTime();
  if (!ok) throw badInput(field, `must be ${strictly ? 'in the future' : 'now or later'}: prices in force are never edited, only succeeded.`);
  return at;
}

export const parseCategoryName = (input: { readonly name: string }): string => parseText(input.name, 'name', { ...NAME, max: 100 });

/** A product as it is created: its identity and shape, and its first price. */
export type NewProduct = Pick<Product, 'sku' | 'name' | 'description' | 'kind' | 'categoryId' | 'vmSpec' | 'storageBlock'> & {
  readonly monthlyMinor: bigint;
  readonly priceEffectiveFrom: Date;
};

export interface NewProductInput {
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

function parseStorageBlock(input: { sizeGib: number; tier: string }): StorageBlockSpec {
  if (!Number.isInteger(input.sizeGib) || input.sizeGib < 1 || input.sizeGib > 10_000) {
    throw badInput('storageBlock.sizeGib', `must be a whole number from 1 to 10000; got ${input.sizeGib}.`, { min: 1, max: 10_000 });
  }
  if (!(STORAGE_TIERS as readonly string[]).includes(input.tier)) throw badInput('storageBlock.tier', `must be one of ${STORAGE_TIERS.join(', ')}.`);
  return { sizeGib: input.sizeGib, tier: input.tier as StorageTier };
}

/** A VM_SIZE carries a vmSpec, a STORAGE product a storageBlock, and nothing else either. */
function onlyFor<T, R>(value: T | null | undefined, wanted: boolean, field: string, kind: string, parse: (value: T) => R): R | null {
  const given = value !== undefined && value !== null;
  if (given !== wanted) throw badInput(field, wanted ? `is required for ${kind}.` : `is only for ${kind} products.`);
  return given ? parse(value) : null;
}

export function parseNewProduct(input: NewProductInput, now: Date): NewProduct {
  if (!SKU_PATTERN.test(input.sku)) throw badInput('sku', 'must be 2 to 40 characters of A-Z, 0-9 and "-", starting with a letter or digit.');
  const name = parseText(input.name, 'name', NAME);
  const description = parseText(input.description ?? '', 'description', DESCRIPTION);
  if (!(PRODUCT_KINDS as readonly string[]).includes(input.kind)) throw badInput('kind', `must be one of ${PRODUCT_KINDS.join(', ')}.`);
  const kind = input.kind as ProductKind;
  const vmSpec = onlyFor(input.vmSpec, kind === 'VM_SIZE', 'vmSpec', 'VM_SIZE', (spec) => parseVmSpec(spec, 'vmSpec'));
  const storageBlock = onlyFor(input.storageBlock, kind === 'STORAGE', 'storageBlock', 'STORAGE', parseStorageBlock);
  const monthlyMinor = parseAmount(input.monthlyPrice, 'monthlyPrice');
  const priceEffectiveFrom = notBefore(input.priceEffectiveFrom ?? now, now, 'priceEffectiveFrom', false);
  const categoryId = parseId(input.categoryId, 'categoryId');
  return { sku: input.sku, name, description, kind, categoryId, vmSpec, storageBlock, monthlyMinor, priceEffectiveFrom };
}

export interface ProductPatch {
  readonly name?: string;
  readonly description?: string;
  readonly categoryId?: string;
  readonly active?: boolean;
}

/** Name, description, category and active flag: a product's spec and SKU are its identity and never change. */
export function parseProductPatch(input: {
  name?: string | null;
  description?: string | null;
  categoryId?: string | null;
  active?: boolean | null;
}): ProductPatch {
  const patch: ProductPatch = {
    ...(input.name != null ? { name: parseText(input.name, 'name', NAME) } : {}),
    ...(input.description != null ? { description: parseText(input.description, 'description', DESCRIPTION) } : {}),
    ...(input.categoryId != null ? { categoryId: parseId(input.categoryId, 'categoryId') } : {}),
    ...(input.active != null ? { active: input.active } : {}),
  };
  if (Object.keys(patch).length === 0) throw badInput('input', 'names nothing to change.');
  return patch;
}

export interface NewPrice {
  readonly productId: string;
  readonly monthlyMinor: bigint;
  readonly effectiveFrom: Date;
}

export function parseNewPrice(input: { productId: string; monthlyPrice: string; effectiveFrom: Date }, now: Date): NewPrice {
  return {
    monthlyMinor: parseAmount(input.monthlyPrice, 'monthlyPrice'),
    effectiveFrom: notBefore(input.effectiveFrom, now, 'effectiveFrom', true),
    productId: parseId(input.productId, 'productId'),
  };
}

export interface NewVatRate {
  readonly basisPoints: number;
  readonly effectiveFrom: Date;
}

export function parseNewVatRate(input: { basisPoints: number; effectiveFrom: Date }, now: Date): NewVatRate {
  if (!Number.isInteger(input.basisPoints) || input.basisPoints < 0 || input.basisPoints > 10_000) {
    throw badInput('basisPoints', `must be a whole number from 0 to 10000 (1500 = 15 %); got ${input.basisPoints}.`, { min: 0, max: 10_000 });
  }
  return { basisPoints: input.basisPoints, effectiveFrom: notBefore(input.effectiveFrom, now, 'effectiveFrom', true) };
}
