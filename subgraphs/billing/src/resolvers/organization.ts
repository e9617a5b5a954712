import { fail, parsePage, toConnection } from '@platform/kernel';
import { isInstantIdCursor } from '@platform/kernel';
import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';
import type { BillingContext } from '../context.ts';
import { mayReadMoney } from './money-access.ts';

async function assertMoneyReader(ctx: BillingContext, organizationId: string, what: string): Promise<void> {
  ctx.access.requireCaller();
  if (!(await ctx.access.canSee(organizationId))) throw fail('NOT_FOUND', 'Organization not found.');
  if (!(await mayReadMoney(ctx, organizationId))) throw fail('FORBIDDEN', `${what} need the BILLING role (or above).`);
}

/** Billing's part of tenancy's Organization entity. */
export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id.toLowerCase() }),

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
