import { badInput, fail, isUuid, readPage, toConnection } from '@platform/kernel';
import type { CatalogContext } from '../context.ts';
import { acceptQuote, createQuote, expireQuote } from '../domain/quote-service.ts';
import { expiredAtOf, QUOTE_STATUSES, statusAt, type Quote as QuoteModel } from '../domain/quote.ts';
import type {
  MutationResolvers,
  OrganizationResolvers,
  QueryResolvers,
  QuoteLineResolvers,
  QuoteResolvers,
} from '../__generated__/resolvers-types.ts';
import { money, priceLine, vatRate, vmSpec } from './mapping.ts';

// Quotes follow the tenancy rules: reading needs visibility of the organisation, changing needs MEMBER+.

/** The quote if the caller may see it; null otherwise (a foreign quote looks like a missing one). */
async function visibleQuote(ctx: CatalogContext, id: string): Promise<QuoteModel | null> {
  const quote = await ctx.loaders.quote.load(id);
  return quote && (await ctx.access.canSee(quote.organizationId)) ? quote : null;
}

/** Loads a quote the caller may change, or NOT_FOUND / FORBIDDEN. */
async function changeableQuote(ctx: CatalogContext, id: string): Promise<QuoteModel> {
  ctx.access.requireCaller();
  const quote = await ctx.loaders.quote.load(id);
  if (!quote) throw fail('NOT_FOUND', 'Quote not found.');
  await ctx.access.assertRole(quote.organizationId, 'MEMBER', 'Quote');
  return quote;
}

export const quoteQueries: Pick<QueryResolvers, 'quote'> = {
  quote(_root, { id }, ctx) {
    ctx.access.requireCaller();
    return visibleQuote(ctx, id);
  },
};

export const quoteMutations: Pick<MutationResolvers, 'createQuote' | 'acceptQuote' | 'expireQuote'> = {
  async createQuote(_root, { organizationId, lines, startsAt }, ctx) {
    const caller = ctx.access.requireCaller();
    if (!isUuid(organizationId)) throw badInput('organizationId', 'is not an organisation id.');
    await ctx.access.assertRole(organizationId, 'MEMBER');
    const created = await createQuote(
      ctx.db,
      { organizationId, lines, startsAt: startsAt ?? null, createdBy: caller.sub },
      ctx.now,
      ctx.settings.quoteValidityDays,
    );
    ctx.loaders.quoteLines.prime(created.quote.id, [...created.lines]);
    return created.quote;
  },
  async acceptQuote(_root, { id }, ctx) {
    await changeableQuote(ctx, id);
    return acceptQuote(ctx.db, id, ctx.now);
  },
  async expireQuote(_root, { id }, ctx) {
    await changeableQuote(ctx, id);
    return expireQuote(ctx.db, id, ctx.now);
  },
};

export const Quote: QuoteResolvers = {
  __resolveReference(ref, ctx) {
    if (ctx.caller.kind !== 'authenticated') return null;
    return visibleQuote(ctx, ref.id);
  },
  organization: (quote) => ({ __typename: 'Organization', id: quote.organizationId }),
  status: (quote, _args, ctx) => statusAt(quote, ctx.now),
  expiredAt: (quote, _args, ctx) => expiredAtOf(quote, ctx.now),
  lines: (quote, _args, ctx) => ctx.loaders.quoteLines.load(quote.id),
  subtotal: (quote) => money(quote.subtotalMinor, quote.currency),
  vatRate: (quote) => vatRate(quote.vatRate),
  vat: (quote) => money(quote.vatMinor, quote.currency),
  total: (quote) => money(quote.totalMinor, quote.currency),
};

export const QuoteLine: QuoteLineResolvers = {
  product: (line, _args, ctx) => (line.productId ? ctx.loaders.product.load(line.productId) : null),
  spec: (line) => (line.spec ? vmSpec(line.spec) : null),
  unitMonthly: (line) => money(line.unitMonthlyMinor),
  amount: (line) => money(line.amountMinor),
  components: (line) => line.components.map((c) => priceLine(c)),
};

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async quotes(org, args, ctx) {
    if (!isUuid(org.id) || !(await ctx.access.canSee(org.id))) return null;
    const page = readPage<string>(args);
    if (page.after !== null && (typeof page.after !== 'string' || !isUuid(page.after))) {
      throw badInput('after', 'is not a cursor this API gave out.');
    }
    const status = args.status ?? null;
    if (status !== null && !(QUOTE_STATUSES as readonly string[]).includes(status)) throw badInput('status', 'is not a quote status.');
    const rows = await ctx.loaders.organizationQuotes.load({ parentId: org.id, fetch: page.fetch, after: page.after, filter: status });
    return toConnection(rows, page, (q) => q.id);
  },
};
