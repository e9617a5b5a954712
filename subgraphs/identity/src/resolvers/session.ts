import { fail } from '@platform/kernel';
import type { SessionResolvers } from '../__generated__/resolvers-types.ts';

export const Session: SessionResolvers = {
  tokenType: () => 'Bearer',
  user: async (session, _args, ctx) => {
    const user = await ctx.loaders.userById.load(session.userId);
    if (!user) throw fail('NOT_FOUND', 'User not found.');
    return user;
  },
  organization: (session) => (session.organizationId ? { id: session.organizationId } : null),
};
