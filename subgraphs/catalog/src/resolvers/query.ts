import { badInput, parseId, parsePage, toConnection, toMoney } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { parsePriceRequests } from '../domain/price-requests.ts';
import { parseProductFilter } from '../domain/product-filter.ts';
import { parseVmSpec } from '../domain/vm-spec.ts';
import { internalPrice } from './internal-price.ts';
import { priceBreakdown } from './price-breakdown.ts';
import { isSkuCursor } from './product.ts';
import { visibleQuote } from './quote.ts';
import { vatRate } from './vat-rate.ts';

// Catalogue data (products, categories, prices, VAT) is for any authenticated caller; quotes follow tenancy.

export const Query: QueryResolvers = {
  async products(_root, args, ctx) {
    ctx.access.requireCaller();
    const filter = parseProductFilter(args.filter);
    const page = parsePage(args, { cursor: isSkuCursor });
    return toConnection(await ctx.services.products.list(filter, page), page, (p) => p.sku);
  },
  product(_root, args, ctx) {
    ctx.access.requireCaller();
    const id = parseId(args.id, 'id');
    return ctx.loaders.product.load(id);
  },
  productBySku(_root, { sku }, ctx) {
    ctx.access.requireCaller();
    return ctx.services.products.bySku(sku);
  },
  categories(_root, _args, ctx) {
    ctx.access.requireCaller();
    return ctx.services.products.categories();
  },
  async priceVirtualMachine(_root, args, ctx) {
    ctx.access.requireCaller();
    const spec = parseVmSpec(args.spec, 'spec');
    return priceBreakdown(await ctx.services.pricing.priceVirtualMachine(spec, args.at ?? ctx.now));
  },
  async vatRate(_root, { at }, ctx) {
    ctx.access.requireCaller();
    const rate = await ctx.services.pricing.vatRateAt(at ?? ctx.now);
    return rate ? vatRate(rate) : null;
  },
  quote(_root, args, ctx) {
    ctx.access.requireCaller();
    const id = parseId(args.id, 'id');
    return visibleQuote(ctx, id);
  },
  /** Service-only (@inaccessible): scope catalog:price. */
  async internalPrices(_root, { requests }, ctx) {
    ctx.access.requireServiceScope('catalog:price');
    return (await ctx.services.pricing.internalPrices(parsePriceRequests(requests))).map(internalPrice);
  },
  /** Service-only (@inaccessible): scope catalog:price. */
  async internalPriceSchedule(_root, { skus, from, to }, ctx) {
    ctx.access.requireServiceScope('catalog:price');
    if (skus.length > 200) throw badInput('skus', 'may list at most 200 SKUs.', { max: 200 });
    if (!(from < to)) throw badInput('to', 'must be after from.');
    const schedule = await ctx.services.pricing.internalPriceSchedule(skus, from, to);
    return {
      prices: schedule.prices.map((p) => ({
        sku: p.sku,
        productId: p.productId,
        monthly: toMoney(p.monthlyMinor, p.currency),
        effectiveFrom: p.effectiveFrom,
      })),
      vatRates: schedule.vatRates.map((rate) => vatRate({ id: '', ...rate })),
    };
  },
};
