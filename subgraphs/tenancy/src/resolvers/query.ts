import { badInput, fail, isUuid, parseId, parseOptionalText } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { organizationConnection, readOrganizationPage } from './connections.ts';
import { visibleOrganization } from './organization.ts';

const MAX_INTERNAL_BATCH = 1000;

/**
 * The ids of an internal batch lookup, lower-cased. Like representations they come from other
 * services' requests, many batched together: a malformed one is not found rather than failing them all.
 */
function lookupIds(ids: readonly string[], field: string): string[] {
  if (ids.length > MAX_INTERNAL_BATCH) throw badInput(field, `at most ${MAX_INTERNAL_BATCH} per call.`);
  return ids.filter(isUuid).map((id) => id.toLowerCase());
}

export const Query: QueryResolvers = {
  organization: async (_root, { id }, ctx) => {
    ctx.access.requireCaller();
    const org = await visibleOrganization(parseId(id, 'id'), ctx);
    if (!org) throw fail('NOT_FOUND', 'Organization not found.');
    return org;
  },
  organizations: async (_root, { filter, first, after }, ctx) => {
    const caller = ctx.access.requireMember();
    const page = readOrganizationPage({ first, after });
    const search = parseOptionalText(filter?.search, 'filter.search', { max: 200, trim: false });
    const subtree = { rootId: caller.org, kind: filter?.kind ?? null, search };
    const rows = await ctx.services.organizations.subtree(subtree, page);
    return organizationConnection(rows, page, () => ctx.services.organizations.countSubtree(subtree));
  },
  internalOrganizationNodes: async (_root, { ids }, ctx) => {
    ctx.access.requireServiceScope('tenancy:read');
    const found = await ctx.services.orgDirectory.lookup(lookupIds(ids, 'ids'));
    return [...found.values()].map((n) => ({ ...n, ancestors: [...n.ancestors] }));
  },
  internalMembershipsOfUsers: async (_root, { userIds }, ctx) => {
    ctx.access.requireServiceScope('tenancy:read');
    const memberships = await ctx.services.memberships.ofUsers(lookupIds(userIds, 'userIds'));
    return memberships.map((m) => ({ userId: m.userId, organizationId: m.organizationId, role: m.role, createdAt: m.createdAt }));
  },
};
