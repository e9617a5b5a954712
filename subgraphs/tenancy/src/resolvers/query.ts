import { fail, isUuid, parseId, toConnection } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { membershipsOfUsers } from '../db/membership-repository.ts';
import { countSubtree, listSubtree, type OrgCursor } from '../db/organization-repository.ts';
import { visibleOrganization } from './organization.ts';
import { readOrgPage } from './page-cursors.ts';

const MAX_INTERNAL_BATCH = 1000;

export const Query: QueryResolvers = {
  organization: async (_root, { id }, ctx) => {
    ctx.access.requireCaller();
    const org = await visibleOrganization(parseId(id, 'id'), ctx);
    if (!org) throw fail('NOT_FOUND', 'Organization not found.');
    return org;
  },
  organizations: async (_root, { filter, first, after }, ctx) => {
    const caller = ctx.access.requireMember();
    const page = readOrgPage({ first, after });
    const subtreeFilter = { kind: filter?.kind ?? null, search: filter?.search ?? null };
    const rows = await listSubtree(ctx.db, caller.org, subtreeFilter, page.fetch, page.after);
    return { ...toConnection(rows, page, (o): OrgCursor => [o.name, o.id]), count: () => countSubtree(ctx.db, caller.org, subtreeFilter) };
  },
  internalOrganizationNodes: async (_root, { ids }, ctx) => {
    ctx.access.requireServiceScope('tenancy:read');
    if (ids.length > MAX_INTERNAL_BATCH) throw fail('BAD_USER_INPUT', `ids: at most ${MAX_INTERNAL_BATCH} per call.`, { field: 'ids' });
    const orgs = await ctx.loaders.organization.loadMany(ids.filter(isUuid).map((id) => id.toLowerCase()));
    return orgs.flatMap((o) => (o && !(o instanceof Error) ? [{ id: o.id, kind: o.kind, ancestors: [...o.ancestors] }] : []));
  },
  internalMembershipsOfUsers: async (_root, { userIds }, ctx) => {
    ctx.access.requireServiceScope('tenancy:read');
    if (userIds.length > MAX_INTERNAL_BATCH) throw fail('BAD_USER_INPUT', `userIds: at most ${MAX_INTERNAL_BATCH} per call.`, { field: 'userIds' });
    const memberships = await membershipsOfUsers(ctx.db, userIds.filter(isUuid));
    return memberships.map((m) => ({ userId: m.userId, organizationId: m.organizationId, role: m.role, createdAt: m.createdAt }));
  },
};
