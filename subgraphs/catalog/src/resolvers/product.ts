import { badInput, readPage, toConnection } from '@platform/kernel';
import { findProductBySku, listCategories, listProducts, parseProductFilter } from '../domain/catalog-queries.ts';
import type { CategoryResolvers, ProductResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { productPrice, productSpec } from './mapping.ts';

// Products and categories are catalogue data: any authenticated caller reads them, anonymous callers nothing.

/** Product pages are keyed by SKU (unique, the listing order). */
function skuPage(args: { first?: number | null; after?: string | null }) {
  const page = readPage<string>(args);
  if (page.after !== null && typeof page.after !== 'string') throw badInput('after', 'is not a cursor this API gave out.');
  return page;
}

export const productQueries: Pick<QueryResolvers, 'products' | 'product' | 'productBySku' | 'categories'> = {
  async products(_root, args, ctx) {
    ctx.access.requireCaller();
    const filter = parseProductFilter(args.filter);
    const page = skuPage(args);
    return toConnection(await listProducts(ctx.db, filter, page.fetch, page.after), page, (p) => p.sku);
  },
  product(_root, { id }, ctx) {
    ctx.access.requireCaller();
    return ctx.loaders.product.load(id);
  },
  productBySku(_root, { sku }, ctx) {
    ctx.access.requireCaller();
    return findProductBySku(ctx.db, sku);
  },
  categories(_root, _args, ctx) {
    ctx.access.requireCaller();
    return listCategories(ctx.db);
  },
};

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
    const price = await ctx.loaders.priceAt.load({ productId: product.id, at: at ?? ctx.now });
    return price ? productPrice(price) : null;
  },
};

export const Category: CategoryResolvers = {
  __resolveReference(ref, ctx) {
    if (ctx.caller.kind !== 'authenticated') return null;
    return ctx.loaders.category.load(ref.id);
  },
  async products(category, args, ctx) {
    const page = skuPage(args);
    const rows = await ctx.loaders.categoryProducts.load({ parentId: category.id, fetch: page.fetch, after: page.after, filter: null });
    return toConnection(rows, page, (p) => p.sku);
  },
};
