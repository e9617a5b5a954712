import type { MembershipResolvers } from '../__generated__/resolvers-types.ts';

export const Membership: MembershipResolvers = {
  user: (m) => ({ id: m.userId }),
  // The membership was listed because its organisation is visible (or it is the caller's own).
  organization: async (m, _args, ctx) => (await ctx.loaders.organization.load(m.organizationId))!,
};
