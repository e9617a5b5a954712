import type { MembershipConnectionResolvers, MembershipResolvers, OrganizationConnectionResolvers, UserResolvers } from '../__generated__/resolvers-types.ts';

export const Membership: MembershipResolvers = {
  user: (m) => ({ id: m.userId }),
  organization: async (m, _args, ctx) => (await ctx.loaders.organization.load(m.organizationId))!,
};

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  /** The user sees all their memberships; anyone else only those in organisations they may see. */
  memberships: async (user, _args, ctx) => {
    const memberships = await ctx.loaders.membershipsOfUser.load(user.id);
    if (ctx.caller.kind === 'authenticated' && ctx.caller.typ === 'user' && ctx.caller.sub === user.id) return memberships;
    const visible = new Set(await ctx.access.filterVisible(memberships.map((m) => m.organizationId)));
    return memberships.filter((m) => visible.has(m.organizationId));
  },
};

export const OrganizationConnection: OrganizationConnectionResolvers = {
  totalCount: (c) => c.count(),
};

export const MembershipConnection: MembershipConnectionResolvers = {
  totalCount: (c) => c.count(),
};
