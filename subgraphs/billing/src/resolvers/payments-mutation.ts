import { badInput, fieldsUnder, parseCurrency, parseId, parseIdempotencyKey, parseMoneyInput, parseOptionalMoneyAmount } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { TIER_BASIS_POINTS, type CommissionTier } from '../domain/commission.ts';
import { parseMonth } from '../domain/payments-month.ts';
import { visibleStatementOrFail } from './commission-statement.ts';

type PaymentMutations = Pick<
  MutationResolvers,
  'createTopUp' | 'setBudget' | 'setResellerCommissionRate' | 'computeCommissionStatements' | 'approveCommissionStatement' | 'payCommissionStatement'
>;

/** Money in (top-ups), budgets and reseller commission: parse → authorize → one service call. */
export const paymentMutations: PaymentMutations = {
  async createTopUp(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      const command = {
        organizationId: parseId(input.organizationId, 'organizationId'),
        ...parseMoneyInput(input),
        idempotencyKey: input.idempotencyKey === null || input.idempotencyKey === undefined ? null : parseIdempotencyKey(input.idempotencyKey),
      };
      // Paying in is allowed while suspended: it is how an organisation suspended for an overdue bill pays its way out.
      const caller = await ctx.access.assertMember(command.organizationId, 'BILLING');
      return ctx.services.topUps.create({
        organizationId: command.organizationId,
        amountMinor: command.amount,
        currency: command.currency,
        idempotencyKey: command.idempotencyKey,
        requestedBy: caller.sub,
      });
    });
  },

  async setBudget(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      const organizationId = parseId(input.organizationId, 'organizationId');
      const amountMinor = parseOptionalMoneyAmount(input.monthlyAmount, 'monthlyAmount');
      const currency = parseCurrency(input.currency, 'currency');
      const caller = await ctx.access.assertMember(organizationId, 'BILLING', { write: true });
      return ctx.services.budgets.set({ organizationId, amountMinor, currency, setBy: caller.sub });
    });
  },

  async setResellerCommissionRate(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      const resellerId = parseId(input.resellerId, 'resellerId');
      const tier = (input.tier ?? null) as CommissionTier | null;
      const custom = input.basisPoints ?? null;
      if ((tier === null) === (custom === null)) throw badInput('tier', 'give either a tier or basisPoints (a custom rate), not both and not neither.');
      if (custom !== null && (!Number.isInteger(custom) || custom < 0 || custom > 10_000))
        throw badInput('basisPoints', 'must be a whole number from 0 to 10000.');
      const caller = await ctx.access.assertProviderStaff('ADMIN', 'set commission rates');
      if (!(await ctx.access.canSee(resellerId))) throw badInput('resellerId', 'must be a reseller organisation.');
      return ctx.services.commission.setRate({
        resellerId,
        tier,
        basisPoints: tier === null ? custom! : TIER_BASIS_POINTS[tier],
        effectiveFrom: input.effectiveFrom,
        setBy: caller.sub,
      });
    });
  },

  async computeCommissionStatements(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      const period = parseMonth(input.month, 'month');
      await ctx.access.assertProviderStaff('BILLING', 'compute commission statements');
      return ctx.services.commission.compute(period);
    });
  },

  async approveCommissionStatement(_parent, args, ctx) {
    const id = parseId(args.id, 'id');
    const caller = await ctx.access.assertProviderStaff('BILLING', 'approve commission statements');
    await visibleStatementOrFail(ctx, await ctx.loaders.statementById.load(id));
    return ctx.services.commission.approve(id, caller.sub);
  },

  async payCommissionStatement(_parent, args, ctx) {
    const id = parseId(args.id, 'id');
    await ctx.access.assertProviderStaff('BILLING', 'pay commission statements');
    await visibleStatementOrFail(ctx, await ctx.loaders.statementById.load(id));
    return ctx.services.commission.pay(id);
  },
};
