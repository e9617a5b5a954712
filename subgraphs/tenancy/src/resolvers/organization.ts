import { isUuid, toConnection, type PageArgs } from '@platform/kernel';
import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';
import type { TenancyContext } from '../context.ts';
import type { MemberCursor } from '../db/membership-repository.ts';
import type { OrgCursor } from '../db/organization-repository.ts';
import type { Organization as OrganizationModel } from '../domain/organization.ts';
import { readMemberPage, readOrgPage } from './page-cursors.ts';

/**
 * Loads an organisation by id if it exists and the caller may see it. Ids from representations are
 * unchecked: a malformed one would fail the whole batched SELECT (every entity in the request), and
 * an upper-case one would miss the lower-case keys the loaders answer with.
 */
export async function visibleOrganization(rawId: string, ctx: TenancyContext): Promise<OrganizationModel | null> {
  if (!isUuid(rawId)) return null;
  const id = rawId.toLowerCase();
  if (!(await ctx.access.canSee(id))) return null;
  return ctx.loaders.organization.load(id);
}

export function childrenOf(org: OrganizationModel, args: PageArgs, ctx: TenancyContext) {
  const page = readOrgPage(args);
  return ctx.loaders.childPage.load({ parentId: org.id, fetch: page.fetch, after: page.after }).then((rows) => ({
    ...toConnection(rows, page, (o): OrgCursor => [o.name, o.id]),
    count: () => ctx.loaders.childCount.load(org.id),
  }));
}

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref, ctx) => visibleOrganization(ref.id, ctx),
  parent: (org, _args, ctx) => (org.parentId ? visibleOrganization(org.parentId, ctx) : null),
  children: (org, args, ctx) => childrenOf(org, args, ctx),
  members: async (org, args, ctx) => {
    const page = readMemberPage(args);
    const rows = await ctx.loaders.memberPage.load({ parentId: org.id, fetch: page.fetch, after: page.after });
    return {
      ...toConnection(rows, page, (m): MemberCursor => [m.createdAt.toISOString(), m.id]),
      count: () => ctx.loaders.memberCount.load(org.id),
    };
  },
};
