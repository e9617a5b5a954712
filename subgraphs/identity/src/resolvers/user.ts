import type { UserResolvers } from '../__generated__/resolvers-types.ts';

export const User: UserResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.visibleUser.load(ref.id),
};
