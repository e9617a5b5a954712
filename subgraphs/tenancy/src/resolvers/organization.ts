import { isUuid } from '@platform/kernel';
import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';
import type { TenancyContext } from '../context.ts';
import type { Organization as OrganizationModel } from '../domain/organization.ts';
import { parentKey, membershipConnection, organizationConnection, pageOf, readMemberPage, readOrganizationPage } from './connections.ts';

/**
 * An organisation by id if it exists and the caller may see it. Ids from representations are
 * unchecked: a malformed one would fail the whole batched SELECT (every entity in the request), and
 * an upper-case one would miss the lower-case keys the loaders answer with.
 */
export async function visibleOrganization(rawId: string, ctx: TenancyContext): Promise<OrganizationModel | null> {
  if (!isUuid(rawId)) return null;
  const id = rawId.toLowerCase();
  if (!(await ctx.access.canSee(id))) return null;
  return ctx.loaders.organization.load(id);
}

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref, ctx) => visibleOrganization(ref.id, ctx),
  parent: (org, _args, ctx) => (org.parentId ? visibleOrganization(org.parentId, ctx) : null),
  children: async (org, args, ctx) => {
    const page = readOrganizationPage(args);
    const rows = await ctx.loaders.childPage.load(pageOf(org.id, page));
    return organizationConnection(rows, page, () => ctx.loaders.childCount.load(parentKey(org.id)));
  },
  members: async (org, args, ctx) => {
    const page = readMemberPage(args);
    const rows = await ctx.loaders.memberPage.load(pageOf(org.id, page));
    return membershipConnection(rows, page, () => ctx.loaders.memberCount.load(parentKey(org.id)));
  },
};
