import { fail } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { parsePeriod } from '../domain/period.ts';

export const Mutation: MutationResolvers = {
  async closeBillingPeriod(_root, args, ctx) {
    const period = parsePeriod(args.period, 'period');
    await ctx.access.assertProviderStaff('BILLING', 'close a billing period');
    if (period.end > ctx.services.clock())
      throw fail('INVALID_STATE', `period: ${args.period} has not ended yet; it can be closed from ${period.end.toISOString()}.`, { field: 'period' });
    return ctx.services.bills.close(period);
  },
};
