import { parsePage, toConnection } from '@platform/kernel';
import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';
import { keyFilterFor } from './api-key-access.ts';

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async apiKeys(org, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const caller = ctx.caller;
    if (caller.kind !== 'authenticated' || !(await ctx.access.canSee(org.id))) return null;
    const rows = await ctx.services.apiKeys.page({
      organizationId: org.id.toLowerCase(),
      ...keyFilterFor(caller),
      includeRevoked: args.includeRevoked,
      fetch: page.fetch,
      after: page.after,
    });
    return toConnection(rows, page, (key) => key.id);
  },
};
