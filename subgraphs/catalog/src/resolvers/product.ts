import { toMoney, type CursorCheck } from '@platform/kernel';
import type { ProductPrice, ProductResolvers, StorageBlockSpec } from '../__generated__/resolvers-types.ts';
import { hourlyFromMonthly } from '../domain/pricing.ts';
import type { PriceInForce, Product as ProductModel } from '../domain/product.ts';
import { SKU_PATTERN } from '../domain/vm-spec.ts';
import { priceKey } from '../loaders.ts';
import { vmSpec } from './vm-spec.ts';

// Products and categories are catalogue data: any authenticated caller reads them, anonymous callers nothing.

/** Product pages are keyed by SKU (unique, the listing order). */
export const isSkuCursor: CursorCheck<string> = (value): value is string => typeof value === 'string' && SKU_PATTERN.test(value);

export const productPrice = (price: PriceInForce): ProductPrice => ({
  monthly: toMoney(price.monthlyMinor, price.currency),
  hourly: toMoney(hourlyFromMonthly(price.monthlyMinor), price.currency),
  effectiveFrom: price.effectiveFrom,
});

/** The ProductSpec union member, tagged so graphql-js resolves the type from __typename. */
function productSpec(product: ProductModel): ReturnType<typeof vmSpec> | (StorageBlockSpec & { __typename: 'StorageBlockSpec' }) | null {
  if (product.vmSpec) return vmSpec(product.vmSpec);
  if (product.storageBlock) return { __typename: 'StorageBlockSpec', sizeGib: product.storageBlock.sizeGib, tier: product.storageBlock.tier };
  return null;
}

export const Product: ProductResolvers = {
  __resolveReference(ref, ctx) {
    if (ctx.caller.kind !== 'authenticated') return null;
    return ctx.loaders.product.load(ref.id);
  },
  async category(product, _args, ctx) {
    const category = await ctx.loaders.category.load(product.categoryId);
    if (!category) throw new Error(`product ${product.id} has no category ${product.categoryId}`);
    return category;
  },
  spec: (product) => productSpec(product),
  async price(product, { at }, ctx) {
    const found = await ctx.loaders.priceAt.load(priceKey(product.id, at ?? ctx.now));
    return found?.price ? productPrice(found.price) : null;
  },
};
