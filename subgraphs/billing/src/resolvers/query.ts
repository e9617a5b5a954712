import { fail, parseId } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  async bill(_root, args, ctx) {
    ctx.access.requireCaller();
    const id = parseId(args.id, 'id');
    const bill = await ctx.loaders.billById.load(id);
    if (!bill || !(await ctx.access.canSee(bill.organizationId))) throw fail('NOT_FOUND', 'id: no bill you can see has this id.', { field: 'id' });
    await ctx.access.assertRole(bill.organizationId, 'BILLING', 'Bill');
    return bill;
  },
};
