import { fail, parseId } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  me: (_root, _args, ctx) => {
    const caller = ctx.caller;
    if (caller.kind !== 'authenticated' || caller.typ !== 'user') return null;
    return ctx.loaders.visibleUser.load(caller.sub);
  },
  user: async (_root, args, ctx) => {
    const id = parseId(args.id, 'id');
    ctx.access.requireCaller();
    const user = await ctx.loaders.visibleUser.load(id);
    if (!user) throw fail('NOT_FOUND', 'User not found.');
    return user;
  },
};
