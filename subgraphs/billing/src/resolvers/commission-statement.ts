import { fail, toMoney } from '@platform/kernel';
import type { CommissionLineResolvers, CommissionRateResolvers, CommissionStatementResolvers } from '../__generated__/resolvers-types.ts';
import type { BillingContext } from '../context.ts';
import type { CommissionStatement as Statement } from '../domain/commission.ts';
import { mayReadMoney } from './money-access.ts';

/** The reseller's own BILLING (or above) members and provider staff; nobody else, not even its customers. */
export async function visibleStatement(ctx: BillingContext, statement: Statement | null): Promise<Statement | null> {
  return statement !== null && (await mayReadMoney(ctx, statement.resellerId)) ? statement : null;
}

export async function visibleStatementOrFail(ctx: BillingContext, statement: Statement | null): Promise<Statement> {
  const visible = await visibleStatement(ctx, statement);
  if (!visible) throw fail('NOT_FOUND', 'id: no commission statement you can see has this id.', { field: 'id' });
  return visible;
}

export const CommissionStatement: CommissionStatementResolvers = {
  __resolveReference: async (ref, ctx) => visibleStatement(ctx, await ctx.loaders.statementById.load(ref.id.toLowerCase())),
  reseller: (s) => ({ id: s.resellerId }),
  rate: (s) => ({ resellerId: s.resellerId, tier: s.tier, basisPoints: s.basisPoints, effectiveFrom: null }),
  base: (s) => toMoney(s.baseMinor, s.currency),
  amount: (s) => toMoney(s.amountMinor, s.currency),
};

export const CommissionLine: CommissionLineResolvers = {
  customer: (line) => ({ id: line.customerId }),
  revenue: (line) => toMoney(line.revenueMinor),
};

export const CommissionRate: CommissionRateResolvers = {};
