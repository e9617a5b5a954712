import { parsePage, toConnection } from '@platform/kernel';
import type { CategoryResolvers } from '../__generated__/resolvers-types.ts';
import { isSkuCursor } from './product.ts';

export const Category: CategoryResolvers = {
  __resolveReference(ref, ctx) {
    if (ctx.caller.kind !== 'authenticated') return null;
    return ctx.loaders.category.load(ref.id);
  },
  async products(category, args, ctx) {
    const page = parsePage(args, { cursor: isSkuCursor });
    const rows = await ctx.loaders.categoryProducts.load({ parentId: category.id, query: { fetch: page.fetch, after: page.after, filter: null } });
    return toConnection(rows, page, (p) => p.sku);
  },
};
