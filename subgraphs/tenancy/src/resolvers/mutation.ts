import { assertMayGrant, badInput, fieldsUnder, parseId, parseText, type MemberCaller } from '@platform/kernel';
import type { MutationResolvers, UpdateOrganizationInput } from '../__generated__/resolvers-types.ts';
import { ORGANIZATION_NAME } from '../domain/organization.ts';
import { assertUserVisible } from './user.ts';

/** The changes an update asks for, field names as in the input (the resolver puts them under `input`). */
function organizationChanges(input: UpdateOrganizationInput) {
  const changes = { name: input.name == null ? null : parseText(input.name, 'name', ORGANIZATION_NAME), status: input.status ?? null };
  if (changes.name === null && changes.status === null) throw badInput('input', 'give a name or a status to change.');
  return changes;
}

const memberArgs = (args: { organizationId: string; userId: string }) => ({
  organizationId: parseId(args.organizationId, 'organizationId'),
  userId: parseId(args.userId, 'userId'),
});

const actor = (caller: MemberCaller) => ({ actorRole: caller.role });

export const Mutation: MutationResolvers = {
  createOrganization: (_root, { input }, ctx) =>
    fieldsUnder('input', async () => {
      const command = { kind: input.kind, name: parseText(input.name, 'name', ORGANIZATION_NAME), parentId: parseId(input.parentId, 'parentId') };
      await ctx.access.assertMember(command.parentId, 'ADMIN', { field: 'parentId' });
      return ctx.services.organizations.create(command);
    }),
  updateOrganization: async (_root, { id, input }, ctx) => {
    const organizationId = parseId(id, 'id');
    const changes = await fieldsUnder('input', async () => organizationChanges(input));
    const caller = await ctx.access.assertMember(organizationId, 'ADMIN', { field: 'id' });
    return fieldsUnder('input', () => ctx.services.organizations.update({ organizationId, ...changes, actorOrganizationId: caller.org }));
  },
  addMember: async (_root, args, ctx) => {
    const grant = { ...memberArgs(args), role: args.role };
    await assertMayGrant(ctx.access, grant.organizationId, grant.role);
    await assertUserVisible(grant.userId, ctx);
    return ctx.services.memberships.add(grant);
  },
  changeMemberRole: async (_root, args, ctx) => {
    const grant = { ...memberArgs(args), role: args.role };
    const caller = await assertMayGrant(ctx.access, grant.organizationId, grant.role);
    return ctx.services.memberships.changeRole({ ...grant, ...actor(caller) });
  },
  removeMember: async (_root, args, ctx) => {
    const member = memberArgs(args);
    const caller = await ctx.access.assertMember(member.organizationId, 'ADMIN');
    return ctx.services.memberships.remove({ ...member, ...actor(caller) });
  },
  internalGrantMembership: async (_root, args, ctx) => {
    ctx.access.requireServiceScope('tenancy:write');
    await ctx.services.memberships.grant({ ...memberArgs(args), role: args.role });
    return true;
  },
  internalSuspendOrganization: async (_root, args, ctx) => {
    ctx.access.requireServiceScope('tenancy:write');
    const organizationId = parseId(args.organizationId, 'organizationId');
    const reason = parseText(args.reason, 'reason', { max: 200, singleLine: true });
    return ctx.services.organizations.suspendByService(organizationId, reason);
  },
  internalResumeOrganization: async (_root, args, ctx) => {
    ctx.access.requireServiceScope('tenancy:write');
    const organizationId = parseId(args.organizationId, 'organizationId');
    const reason = parseText(args.reason, 'reason', { max: 200, singleLine: true });
    return ctx.services.organizations.resumeByService(organizationId, reason);
  },
};
