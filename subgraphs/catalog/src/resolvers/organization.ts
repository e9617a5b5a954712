import { isUuid, parsePage, toConnection } from '@platform/kernel';
import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  /** Null when the caller may not see the organisation (a reference's id is not an argument: no error). */
  async quotes(org, args, ctx) {
    if (!isUuid(org.id) || !(await ctx.access.canSee(org.id))) return null;
    const page = parsePage(args, { cursor: 'id' });
    const query = { fetch: page.fetch, after: page.after, filter: args.status ?? null };
    return toConnection(await ctx.loaders.organizationQuotes.load({ parentId: org.id, query }), page, (q) => q.id);
  },
};
