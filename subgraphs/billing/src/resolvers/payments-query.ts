import { parseId } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { visibleStatementOrFail } from './commission-statement.ts';
import { visibleTopUpOrFail } from './top-up.ts';

export const paymentQueries: Pick<QueryResolvers, 'topUp' | 'commissionStatement'> = {
  async topUp(_parent, args, ctx) {
    const id = parseId(args.id, 'id');
    ctx.access.requireCaller();
    return visibleTopUpOrFail(ctx, await ctx.loaders.topUpById.load(id));
  },
  async commissionStatement(_parent, args, ctx) {
    const id = parseId(args.id, 'id');
    ctx.access.requireCaller();
    return visibleStatementOrFail(ctx, await ctx.loaders.statementById.load(id));
  },
};
