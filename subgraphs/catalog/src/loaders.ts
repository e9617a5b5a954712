import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { byIdLoader, isUuid } from '@platform/kernel';
import { findPricesAt } from './db/price-repository.ts';
import { findCategoriesByIds, findProductsByIds, listProductsOfCategories } from './db/product-repository.ts';
import { findLinesOfQuotes, findQuotesByIds, listQuotesOfOrganizations } from './db/quote-repository.ts';
import type { CatalogDatabase } from './db/types.ts';
import type { Category, PriceInForce, Product } from './domain/product.ts';
import type { Quote, QuoteLine, QuoteStatus } from './domain/quote.ts';

/** A page of children of one parent; `filter` is part of the batch group (same filter, same statement). */
export interface PageKey<C, F = null> {
  readonly parentId: string;
  readonly fetch: number;
  readonly after: C | null;
  readonly filter: F;
}

/** Batches page requests: one statement per distinct (fetch, after, filter), however many parents. */
function pageLoader<T, C, F = null>(load: (parentIds: string[], fetch: number, after: C | null, filter: F) => Promise<Map<string, T[]>>) {
  const groupOf = (k: PageKey<C, F>) => JSON.stringify([k.fetch, k.after, k.filter]);
  return new DataLoader<PageKey<C, F>, T[], string>(
    async (keys) => {
      const groups = new Map<string, { key: PageKey<C, F>; ids: string[] }>();
      for (const key of keys) {
        const group = groups.get(groupOf(key)) ?? { key, ids: [] };
        group.ids.push(key.parentId);
        groups.set(groupOf(key), group);
      }
      const results = new Map<string, Map<string, T[]>>();
      await Promise.all(
        [...groups].map(async ([g, { key, ids }]) => results.set(g, await load(ids, key.fetch, key.after, key.filter))),
      );
      return keys.map((k) => results.get(groupOf(k))?.get(k.parentId) ?? []);
    },
    { cacheKeyFn: (k) => JSON.stringify([k.parentId, k.fetch, k.after, k.filter]) },
  );
}

/** By id, in key order; ids that are not UUIDs never reach SQL (they cannot exist). */
const byId = <T extends { id: string }>(find: (ids: string[]) => Promise<T[]>) => byIdLoader(find, (row: T) => row.id, isUuid);

export interface PriceKey {
  readonly productId: string;
  readonly at: Date;
}

/** Fresh per request (DESIGN §7.4). Every entity fetch by id goes through one of these. */
export function createLoaders(db: Kysely<CatalogDatabase>, now: Date) {
  return {
    product: byId<Product>((ids) => findProductsByIds(db, ids)),
    category: byId<Category>((ids) => findCategoriesByIds(db, ids)),
    categoryProducts: pageLoader<Product, string>((ids, fetch, after) => listProductsOfCategories(db, ids, fetch, after)),
    /** Every Product.price(at) of a request in one statement. */
    priceAt: new DataLoader<PriceKey, PriceInForce | null, string>(
      async (keys) => (await findPricesAt(db, keys.map((k) => ({ productId: k.productId, at: k.at })))).map((r) => r.price),
      { cacheKeyFn: (k) => `${k.productId}@${k.at.toISOString()}` },
    ),
    quote: byId<Quote>((ids) => findQuotesByIds(db, ids)),
    quoteLines: new DataLoader<string, QuoteLine[]>(async (quoteIds) => {
      const lines = await findLinesOfQuotes(db, quoteIds);
      return quoteIds.map((id) => lines.filter((l) => l.quoteId === id));
    }),
    organizationQuotes: pageLoader<Quote, string, QuoteStatus | null>((ids, fetch, before, status) =>
      listQuotesOfOrganizations(db, ids, { fetch, beforeId: before, status, now }),
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createLoaders>;
