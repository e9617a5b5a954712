import { fail, fieldsUnder, parseId } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { parseCategoryName, parseNewPrice, parseNewProduct, parseNewVatRate, parseProductPatch } from '../domain/catalog-input.ts';
import { parseQuoteRequest } from '../domain/quote-request.ts';
import type { CatalogContext } from '../context.ts';
import { productPrice } from './product.ts';
import { vatRate } from './vat-rate.ts';

const CHANGE_CATALOGUE = 'change the catalogue';

/** A quote the caller may change (MEMBER+ on its organisation), else NOT_FOUND / FORBIDDEN. */
async function assertCanChangeQuote(ctx: CatalogContext, rawId: string, write = false): Promise<string> {
  ctx.access.requireCaller();
  const id = parseId(rawId, 'id');
  const quote = await ctx.loaders.quote.load(id);
  if (!quote) throw fail('NOT_FOUND', 'Quote not found.');
  await ctx.access.assertRole(quote.organizationId, 'MEMBER', 'Quote', { write });
  return id;
}

export const Mutation: MutationResolvers = {
  async createQuote(_root, args, ctx) {
    const caller = ctx.access.requireCaller();
    const organizationId = parseId(args.organizationId, 'organizationId');
    await ctx.access.assertRole(organizationId, 'MEMBER');
    const request = parseQuoteRequest({ ...args, organizationId, createdBy: caller.sub }, ctx.now);
    const created = await ctx.services.quotes.create(request, ctx.now);
    ctx.loaders.quoteLines.prime({ parentId: created.quote.id, query: null }, [...created.lines]);
    return created.quote;
  },
  async acceptQuote(_root, args, ctx) {
    return ctx.services.quotes.accept(await assertCanChangeQuote(ctx, args.id, true), ctx.now);
  },
  async expireQuote(_root, args, ctx) {
    return ctx.services.quotes.expire(await assertCanChangeQuote(ctx, args.id), ctx.now);
  },

  // Catalogue administration: provider ADMIN+ only, checked before any input is looked at.
  async createCategory(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', CHANGE_CATALOGUE);
    return fieldsUnder('input', () => ctx.services.admin.createCategory(parseCategoryName(input)));
  },
  async createProduct(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', CHANGE_CATALOGUE);
    return fieldsUnder('input', () => ctx.services.admin.createProduct(parseNewProduct(input, ctx.now), ctx.now));
  },
  async updateProduct(_root, args, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', CHANGE_CATALOGUE);
    const id = parseId(args.id, 'id');
    return fieldsUnder('input', () => ctx.services.admin.updateProduct(id, parseProductPatch(args.input), ctx.now));
  },
  async scheduleProductPrice(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', CHANGE_CATALOGUE);
    return productPrice(await fieldsUnder('input', () => ctx.services.admin.scheduleProductPrice(parseNewPrice(input, ctx.now))));
  },
  async scheduleVatRate(_root, { input }, ctx) {
    await ctx.access.assertProviderStaff('ADMIN', CHANGE_CATALOGUE);
    return vatRate(await fieldsUnder('input', () => ctx.services.admin.scheduleVatRate(parseNewVatRate(input, ctx.now))));
  },
};
