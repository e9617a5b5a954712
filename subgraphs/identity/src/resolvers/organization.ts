import { isUuid, parsePage, toConnection } from '@platform/kernel';
import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';
import { keyFilterFor } from './api-key-access.ts';

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async apiKeys(org, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const caller = ctx.caller;
    // A representation is the router's key, not a client argument: a malformed one is just not found.
    const orgId = isUuid(org.id) ? org.id.toLowerCase() : null;
    if (caller.kind !== 'authenticated' || orgId === null || !(await ctx.access.canSee(orgId))) return null;
    const rows = await ctx.services.apiKeys.page({
      organizationId: orgId,
      ...keyFilterFor(caller),
      includeRevoked: args.includeRevoked,
      fetch: page.fetch,
      after: page.after,
    });
    return toConnection(rows, page, (key) => key.id);
  },
};
