import type { Kysely } from 'kysely';
import { byIdLoader, groupedLoader, isUuid, pageLoader } from '@platform/kernel';
import { findPricesAt } from './db/price-repository.ts';
import { findCategoriesByIds, findProductsByIds, listProductsOfCategories } from './db/product-repository.ts';
import { findLinesOfQuotes, findQuotesByIds, listQuotesOfOrganizations } from './db/quote-repository.ts';
import type { CatalogDatabase } from './db/types.ts';
import type { PriceInForce, Product } from './domain/product.ts';
import type { Quote, QuoteLine, QuoteStatus } from './domain/quote.ts';

/** By id, in key order; ids that are not UUIDs never reach SQL (they cannot exist). */
const byId = <T extends { id: string }>(find: (ids: string[]) => Promise<T[]>) => byIdLoader(find, (row: T) => row.id, isUuid);

/** The key of Product.price(at): a product at an instant (a string, so equal keys are one key). */
export const priceKey = (productId: string, at: Date): string => `${productId}@${at.toISOString()}`;

function pricesAt(db: Kysely<CatalogDatabase>, keys: readonly string[]) {
  const refs = keys.map((key) => {
    const [productId = '', at = ''] = key.split('@');
    return { productId, at: new Date(at) };
  });
  return findPricesAt(db, refs).then((found) => found.map(({ price }, i) => ({ key: keys[i]!, price })));
}

/** Fresh per request (DESIGN §7.4). Every entity fetch by id goes through one of these. */
export function createLoaders(db: Kysely<CatalogDatabase>, now: Date) {
  return {
    product: byId((ids) => findProductsByIds(db, ids)),
    category: byId((ids) => findCategoriesByIds(db, ids)),
    categoryProducts: pageLoader<Product, string>((ids, page) => listProductsOfCategories(db, ids, page.fetch, page.after)),
    /** Every Product.price(at) of a request in one statement, whatever the instants. */
    priceAt: byIdLoader<{ key: string; price: PriceInForce | null }>(
      (keys) => pricesAt(db, keys),
      (found) => found.key,
    ),
    quote: byId((ids) => findQuotesByIds(db, ids)),
    quoteLines: groupedLoader<null, QuoteLine[]>((quoteIds) => findLinesOfQuotes(db, quoteIds), []),
    organizationQuotes: pageLoader<Quote, string, QuoteStatus | null>((ids, page) =>
      listQuotesOfOrganizations(db, ids, { fetch: page.fetch, beforeId: page.after, status: page.filter, now }),
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createLoaders>;
