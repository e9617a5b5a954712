import { parsePage, toConnection } from '@platform/kernel';
import type { OrganizationResolvers, UsageResolvers } from '../__generated__/resolvers-types.ts';
import { parsePeriod } from '../domain/period.ts';
import { hoursOf } from '../domain/rating.ts';

export const Organization: OrganizationResolvers = {
  // Any id: the fields below check visibility and role.
  __resolveReference: (ref) => ({ id: String(ref.id).toLowerCase() }),
  async currentBill(org, _args, ctx) {
    if (!(await ctx.access.canSee(org.id))) return null;
    await ctx.access.assertRole(org.id, 'BILLING', 'Organization');
    return ctx.loaders.currentBill.load({ parentId: org.id, query: null });
  },
  async bills(org, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    if (!(await ctx.access.canSee(org.id))) return null;
    await ctx.access.assertRole(org.id, 'BILLING', 'Organization');
    const rows = await ctx.loaders.billsOfOrganization.load({ parentId: org.id, query: { fetch: page.fetch, after: page.after, filter: null } });
    return toConnection(rows, page, (bill) => bill.id);
  },
  async usage(org, args, ctx) {
    const period = parsePeriod(args.period, 'period');
    if (!(await ctx.access.canSee(org.id))) return null;
    await ctx.access.assertRole(org.id, 'VIEWER', 'Organization');
    return ctx.loaders.usage.load({ parentId: org.id, query: { start: period.start.toISOString(), end: period.end.toISOString() } });
  },
};

const hours = (millis: bigint) => hoursOf(millis);

export const Usage: UsageResolvers = {
  runningHours: (u) => hours(u.runningMillis),
  vcpuHours: (u) => hours(u.vcpuMillis),
  memoryGibHours: (u) => hours(u.memoryGibMillis),
  storageGibHours: (u) => hours(u.storageGibMillis),
};
