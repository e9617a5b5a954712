import { createCategory, createProduct, scheduleProductPrice, scheduleVatRate, updateProduct } from '../domain/catalog-admin.ts';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { productPrice, vatRate } from './mapping.ts';

/** Catalogue administration: provider ADMIN+ only, checked before any input is looked at. */
export const adminMutations: Pick<
  MutationResolvers,
  'createCategory' | 'createProduct' | 'updateProduct' | 'scheduleProductPrice' | 'scheduleVatRate'
> = {
  async createCategory(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', 'change the catalogue');
    return createCategory(ctx.db, input);
  },
  async createProduct(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', 'change the catalogue');
    return createProduct(ctx.db, { ...input, priceEffectiveFrom: input.priceEffectiveFrom ?? null }, ctx.now);
  },
  async updateProduct(_root, { id, input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', 'change the catalogue');
    return updateProduct(ctx.db, id, input, ctx.now);
  },
  async scheduleProductPrice(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', 'change the catalogue');
    const price = await scheduleProductPrice(ctx.db, input, ctx.now);
    return productPrice(price);
  },
  async scheduleVatRate(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', 'change the catalogue');
    return vatRate(await scheduleVatRate(ctx.db, input, ctx.now));
  },
};
