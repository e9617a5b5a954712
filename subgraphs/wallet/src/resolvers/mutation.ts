import {
  fail,
  fieldsUnder,
  parseCurrency,
  parseId,
  parseIdempotencyKey,
  parseMoneyInput,
  parseOptionalId,
  parseOptionalMoneyAmount,
  parseText,
} from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { assertMayCredit } from './money-in.ts';

type PublicMutations = Pick<MutationResolvers, 'topUpWallet' | 'adjustWallet' | 'setLowBalanceThreshold'>;

/** Operations for people and API keys, by role within the caller's subtree. */
export const publicMutations: PublicMutations = {
  async topUpWallet(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      const source = await assertMayCredit(ctx);
      const organizationId = parseId(input.organizationId, 'organizationId');
      const command = {
        organizationId,
        ...parseMoneyInput(input),
        paymentReference: parseText(input.paymentReference, 'paymentReference', { max: 200 }),
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
      };
      if (!(await ctx.access.node(organizationId))) throw fail('NOT_FOUND', 'organizationId: no such organisation.', { field: 'organizationId' });
      // A payment the provider has completed is the customer's money and always lands, suspended or not:
      // it is how an organisation suspended for an overdue bill pays its way out. Staff credits wait for a resume.
      if (source === 'staff') await ctx.access.assertActive(organizationId);
      return ctx.wallets.topUp(command);
    });
  },

  async adjustWallet(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      await ctx.access.assertProviderStaff('ADMIN', 'adjust a wallet');
      const organizationId = parseId(input.organizationId, 'organizationId');
      const command = {
        organizationId,
        ...parseMoneyInput(input, { allowNegative: true }),
        reason: parseText(input.reason, 'reason', { max: 500 }),
        correctsTransferId: parseOptionalId(input.correctsTransactionId, 'correctsTransactionId'),
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
      const threshold = parseOptionalMoneyAmount(input.threshold, 'threshold', { allowZero: true });
      const currency = parseCurrency(input.currency, 'currency');
      await ctx.access.assertMember(organizationId, 'BILLING');
      return ctx.wallets.setLowBalanceThreshold(organizationId, currency, threshold);
    });
  },
};
