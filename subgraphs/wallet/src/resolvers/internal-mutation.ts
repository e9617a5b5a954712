import { fieldsUnder, parseId, parseIdempotencyKey, parseMoneyInput, parseOptionalMoneyAmount, parseOptionalText, parseText } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { CREDIT_SCOPE } from './money-in.ts';

type InternalMutations = Pick<
  MutationResolvers,
  'internalPlaceHold' | 'internalCaptureHold' | 'internalReleaseHold' | 'internalDebitForBill' | 'internalPayCommission' | 'internalRefundTopUp'
>;

const description = (value: string | null | undefined) => parseOptionalText(value, 'description', { max: 500 });

/** For other subgraphs only: service tokens with the named scope (and @inaccessible in the supergraph). */
export const internalMutations: InternalMutations = {
  async internalPlaceHold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:hold');
      const organizationId = parseId(input.organizationId, 'organizationId');
      await ctx.access.assertActive(organizationId); // a suspended organisation spends nothing
      return ctx.wallets.placeHold({
        organizationId,
        ...parseMoneyInput(input),
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
        description: description(input.description),
        reference: parseOptionalText(input.reference, 'reference', { max: 200 }),
        expiresInSeconds: input.expiresInSeconds ?? null,
      });
    });
  },

  async internalCaptureHold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:hold');
      return ctx.wallets.captureHold(parseId(input.holdId, 'holdId'), parseOptionalMoneyAmount(input.amount), parseIdempotencyKey(input.idempotencyKey));
    });
  },

  async internalReleaseHold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:hold');
      return ctx.wallets.releaseHold(parseId(input.holdId, 'holdId'), parseIdempotencyKey(input.idempotencyKey));
    });
  },

  async internalDebitForBill(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:debit');
      return ctx.wallets.payBill({
        organizationId: parseId(input.organizationId, 'organizationId'),
        billId: parseId(input.billId, 'billId'),
        ...parseMoneyInput(input),
        description: description(input.description),
      });
    });
  },

  async internalPayCommission(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:commission');
      const resellerId = parseId(input.organizationId, 'organizationId');
      const command = {
        resellerId,
        ...parseMoneyInput(input),
        reference: parseText(input.reference, 'reference', { max: 200 }),
        description: description(input.description),
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
      };
      return ctx.wallets.payCommission({ ...command, resellerKind: (await ctx.access.node(resellerId))?.kind ?? null });
    });
  },

  async internalRefundTopUp(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope(CREDIT_SCOPE);
      return ctx.wallets.refundTopUp({
        organizationId: parseId(input.organizationId, 'organizationId'),
        ...parseMoneyInput(input),
        reference: parseText(input.reference, 'reference', { max: 200 }),
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
      });
    });
  },
};
