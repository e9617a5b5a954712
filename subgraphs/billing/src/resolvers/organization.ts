import { fail, isInstantIdCursor, parsePage, toConnection } from '@platform/kernel';
import type { OrganizationResolvers, UsageResolvers } from '../__generated__/resolvers-types.ts';
import type { BillingContext } from '../context.ts';
import { parsePeriod } from '../domain/period.ts';
import { hoursOf } from '../domain/rating.ts';
import { mayReadMoney } from './money-access.ts';

async function assertMoneyReader(ctx: BillingContext, organizationId: string, what: string): Promise<void> {
  ctx.access.requireCaller();
  if (!(await ctx.access.canSee(organizationId))) throw fail('NOT_FOUND', 'Organization not found.');
  if (!(await mayReadMoney(ctx, organizationId))) throw fail('FORBIDDEN', `${what} need the BILLING role (or above).`);
}

/** Billing's part of tenancy's Organization entity: any id resolves; each field checks visibility and role. */
export const Organization: OrganizationResolvers = {
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

  async budget(org, _args, ctx) {
    if (!(await ctx.access.canSee(org.id))) return null;
    return ctx.loaders.budgetByOrganization.load({ parentId: org.id, query: null });
  },

  async topUps(org, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    await assertMoneyReader(ctx, org.id, 'Top-ups');
    const rows = await ctx.loaders.topUpPages.load({ parentId: org.id, query: { fetch: page.fetch, after: page.after, filter: null } });
    return toConnection(rows, page, (t) => t.id);
  },

  async commissionStatements(org, args, ctx) {
    const page = parsePage(args, { cursor: isInstantIdCursor });
    await assertMoneyReader(ctx, org.id, 'Commission statements');
    const rows = await ctx.loaders.statementPages.load({ parentId: org.id, query: { fetch: page.fetch, after: page.after, filter: null } });
    return toConnection(rows, page, (s) => [s.period.start.toISOString(), s.id]);
  },

  async commissionRate(org, _args, ctx) {
    if (!(await mayReadMoney(ctx, org.id)) || (await ctx.access.node(org.id))?.kind !== 'RESELLER') return null;
    return ctx.loaders.rateByReseller.load({ parentId: org.id, query: null });
  },
};

const hours = (millis: bigint) => hoursOf(millis);

export const Usage: UsageResolvers = {
  runningHours: (u) => hours(u.runningMillis),
  vcpuHours: (u) => hours(u.vcpuMillis),
  memoryGibHours: (u) => hours(u.memoryGibMillis),
  storageGibHours: (u) => hours(u.storageGibMillis),
};
