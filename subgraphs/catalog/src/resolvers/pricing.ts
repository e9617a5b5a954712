import { internalPrices, priceVirtualMachine, vatRateAt } from '../domain/catalog-queries.ts';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { internalPrice, priceBreakdown, vatRate } from './mapping.ts';

export const pricingQueries: Pick<QueryResolvers, 'priceVirtualMachine' | 'vatRate' | 'internalPrices'> = {
  async priceVirtualMachine(_root, { spec, at }, ctx) {
    ctx.access.requireCaller();
    return priceBreakdown(await priceVirtualMachine(ctx.db, spec, at ?? ctx.now));
  },
  async vatRate(_root, { at }, ctx) {
    ctx.access.requireCaller();
    const rate = await vatRateAt(ctx.db, at ?? ctx.now);
    return rate ? vatRate(rate) : null;
  },
  /** Service-only (@inaccessible): scope catalog:price. */
  async internalPrices(_root, { requests }, ctx) {
    ctx.access.requireServiceScope('catalog:price');
    const items = await internalPrices(
      ctx.db,
      requests.map((r) => ({ productId: r.productId ?? null, spec: r.spec ?? null, at: r.at })),
    );
    return items.map(internalPrice);
  },
};
