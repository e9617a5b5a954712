import { parseId } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  async wallet(_parent, { id }, ctx) {
    ctx.access.requireCaller();
    const wallet = await ctx.loaders.walletById.load(parseId(id, 'id'));
    return wallet && (await ctx.access.canSee(wallet.organizationId)) ? wallet : null;
  },
};
