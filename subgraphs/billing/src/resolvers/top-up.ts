import { fail, toMoney } from '@platform/kernel';
import type { TopUpResolvers } from '../__generated__/resolvers-types.ts';
import type { BillingContext } from '../context.ts';
import type { TopUp as TopUpModel } from '../domain/payments.ts';
import { mayReadMoney } from './money-access.ts';

/** A top-up the caller may read (BILLING or above on an organisation it sees), or null: a foreign one looks missing. */
export async function visibleTopUp(ctx: BillingContext, topUp: TopUpModel | null): Promise<TopUpModel | null> {
  return topUp !== null && (await mayReadMoney(ctx, topUp.organizationId)) ? topUp : null;
}

export async function visibleTopUpOrFail(ctx: BillingContext, topUp: TopUpModel | null): Promise<TopUpModel> {
  const visible = await visibleTopUp(ctx, topUp);
  if (!visible) throw fail('NOT_FOUND', 'id: no top-up you can see has this id.', { field: 'id' });
  return visible;
}

export const TopUp: TopUpResolvers = {
  __resolveReference: async (ref, ctx) => visibleTopUp(ctx, await ctx.loaders.topUpById.load(ref.id.toLowerCase())),
  amount: (t) => toMoney(t.amountMinor, t.currency),
  checkoutUrl: (t) => (t.status === 'PENDING' ? t.checkoutUrl : null),
  credited: (t) => t.creditedAt !== null,
};
