import { fieldsUnder } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { requireProviderStaff, requireRoleOn } from './access.ts';
import { amountArg, currencyArg, idempotencyKeyArg, requiredText, uuidArg } from './inputs.ts';

type PublicMutations = Pick<MutationResolvers, 'topUpWallet' | 'adjustWallet' | 'setLowBalanceThreshold'>;

/** Operations for people and API keys, by role within the caller's subtree. */
export const publicMutations: PublicMutations = {
  async topUpWallet(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireMember();
      const organizationId = uuidArg(input.organizationId, 'organizationId');
      const command = {
        organizationId,
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        paymentReference: requiredText(input.paymentReference, 'paymentReference', 200),
        idempotencyKey: idempotencyKeyArg(input.idempotencyKey),
      };
      await requireRoleOn(ctx, organizationId, 'BILLING');
      return ctx.wallets.topUp(command);
    });
  },

  async adjustWallet(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      await requireProviderStaff(ctx);
      const organizationId = uuidArg(input.organizationId, 'organizationId');
      const command = {
        organizationId,
        amount: amountArg(input.amount, 'amount', { allowNegative: true }),
        currency: currencyArg(input.currency),
        reason: requiredText(input.reason, 'reason', 500),
        correctsTransferId: input.correctsTransactionId ? uuidArg(input.correctsTransactionId, 'correctsTransactionId') : null,
        idempotencyKey: idempotencyKeyArg(input.idempotencyKey),
      };
      await requireRoleOn(ctx, organizationId, 'ADMIN');
      return ctx.wallets.adjust(command);
    });
  },

  async setLowBalanceThreshold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireMember();
      const organizationId = uuidArg(input.organizationId, 'organizationId');
      const threshold = input.threshold === null || input.threshold === undefined ? null : amountArg(input.threshold, 'threshold', { allowZero: true });
      const currency = currencyArg(input.currency);
      await requireRoleOn(ctx, organizationId, 'BILLING');
      return ctx.wallets.setLowBalanceThreshold(organizationId, currency, threshold);
    });
  },
};

