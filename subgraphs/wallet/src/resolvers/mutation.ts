import { fieldsUnder, parseId, parseIdempotencyKey, parseText } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { amountArg, currencyArg } from './inputs.ts';

type PublicMutations = Pick<MutationResolvers, 'topUpWallet' | 'adjustWallet' | 'setLowBalanceThreshold'>;

/** Operations for people and API keys, by role within the caller's subtree. */
export const publicMutations: PublicMutations = {
  async topUpWallet(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireMember();
      const organizationId = parseId(input.organizationId, 'organizationId');
      const command = {
        organizationId,
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        paymentReference: parseText(input.paymentReference, 'paymentReference', { max: 200 }),
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
      };
      await ctx.access.assertMember(organizationId, 'BILLING');
      return ctx.wallets.topUp(command);
    });
  },

  async adjustWallet(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      await ctx.access.assertProviderStaff('ADMIN', 'adjust a wallet');
      const organizationId = parseId(input.organizationId, 'organizationId');
      const command = {
        organizationId,
        amount: amountArg(input.amount, 'amount', { allowNegative: true }),
        currency: currencyArg(input.currency),
        reason: parseText(input.reason, 'reason', { max: 500 }),
        correctsTransferId: input.correctsTransactionId ? parseId(input.correctsTransactionId, 'correctsTransactionId') : null,
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
      };
      await ctx.access.assertMember(organizationId, 'ADMIN');
      return ctx.wallets.adjust(command);
    });
  },

  async setLowBalanceThreshold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireMember();
      const organizationId = parseId(input.organizationId, 'organizationId');
      const threshold = input.threshold === null || input.threshold === undefined ? null : amountArg(input.threshold, 'threshold', { allowZero: true });
      const currency = currencyArg(input.currency);
      await ctx.access.assertMember(organizationId, 'BILLING');
      return ctx.wallets.setLowBalanceThreshold(organizationId, currency, threshold);
    });
  },
};

