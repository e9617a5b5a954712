import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { addMember, changeMemberRole, grantMembership, removeMember } from '../domain/memberships.ts';
import { createOrganization, updateOrganization } from '../domain/organizations.ts';

export const Mutation: MutationResolvers = {
  createOrganization: (_root, { input }, ctx) => createOrganization(ctx.db, ctx.access, input),
  updateOrganization: (_root, { id, input }, ctx) => updateOrganization(ctx.db, ctx.access, id, input),
  addMember: (_root, args, ctx) => addMember(ctx.db, ctx.access, args),
  changeMemberRole: (_root, args, ctx) => changeMemberRole(ctx.db, ctx.access, args),
  removeMember: (_root, args, ctx) => removeMember(ctx.db, ctx.access, args),
  internalGrantMembership: async (_root, args, ctx) => {
    ctx.access.requireServiceScope('tenancy:write');
    await grantMembership(ctx.db, args);
    return true;
  },
};
