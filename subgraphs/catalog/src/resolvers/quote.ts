import { toMoney } from '@platform/kernel';
import type { QuoteResolvers } from '../__generated__/resolvers-types.ts';
import type { CatalogContext } from '../context.ts';
import { expiredAtOf, statusAt, type Quote as QuoteModel } from '../domain/quote.ts';
import { vatRate } from './vat-rate.ts';

// Quotes follow the tenancy rules: reading needs visibility of the organisation, changing needs MEMBER+.

/** The quote if the caller may see it; null otherwise (a foreign quote looks like a missing one). */
export async function visibleQuote(ctx: CatalogContext, id: string): Promise<QuoteModel | null> {
  const quote = await ctx.loaders.quote.load(id);
  return quote && (await ctx.access.canSee(quote.organizationId)) ? quote : null;
}

export const Quote: QuoteResolvers = {
  __resolveReference(ref, ctx) {
    if (ctx.caller.kind !== 'authenticated') return null;
    return visibleQuote(ctx, ref.id);
  },
  organization: (quote) => ({ __typename: 'Organization', id: quote.organizationId }),
  status: (quote, _args, ctx) => statusAt(quote, ctx.now),
  expiredAt: (quote, _args, ctx) => expiredAtOf(quote, ctx.now),
  lines: (quote, _args, ctx) => ctx.loaders.quoteLines.load({ parentId: quote.id, query: null }),
  subtotal: (quote) => toMoney(quote.subtotalMinor, quote.currency),
  vatRate: (quote) => vatRate(quote.vatRate),
  vat: (quote) => toMoney(quote.vatMinor, quote.currency),
  total: (quote) => toMoney(quote.totalMinor, quote.currency),
};
