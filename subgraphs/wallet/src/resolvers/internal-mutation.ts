import { badInput, fail, fieldsUnder } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { amountArg, currencyArg, expiresInSecondsArg, idempotencyKeyArg, optionalText, requiredText, uuidArg } from './inputs.ts';

type InternalMutations = Pick<
  MutationResolvers,
  'internalPlaceHold' | 'internalCaptureHold' | 'internalReleaseHold' | 'internalDebitForBill' | 'internalPayCommission'
>;

/** For other subgraphs only: service tokens with the named scope (and @inaccessible in the supergraph). */
export const internalMutations: InternalMutations = {
  async internalPlaceHold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:hold');
      return ctx.wallets.placeHold({
        organizationId: uuidArg(input.organizationId, 'organizationId'),
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        idempotencyKey: idempotencyKeyArg(input.idempotencyKey),
        description: optionalText(input.description, 'description', 500),
        reference: optionalText(input.reference, 'reference', 200),
        expiresInSeconds: expiresInSecondsArg(input.expiresInSeconds),
      });
    });
  },

  async internalCaptureHold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:hold');
      const amount = input.amount === null || input.amount === undefined ? null : amountArg(input.amount);
      return ctx.wallets.captureHold(uuidArg(input.holdId, 'holdId'), amount, idempotencyKeyArg(input.idempotencyKey));
    });
  },

  async internalReleaseHold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:hold');
      return ctx.wallets.releaseHold(uuidArg(input.holdId, 'holdId'), idempotencyKeyArg(input.idempotencyKey));
    });
  },

  async internalDebitForBill(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:debit');
      return ctx.wallets.payBill({
        organizationId: uuidArg(input.organizationId, 'organizationId'),
        billId: uuidArg(input.billId, 'billId'),
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        description: optionalText(input.description, 'description', 500),
      });
    });
  },

  async internalPayCommission(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:commission');
      const resellerId = uuidArg(input.organizationId, 'organizationId');
      const command = {
        resellerId,
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        reference: requiredText(input.reference, 'reference', 200),
        description: optionalText(input.description, 'description', 500),
        idempotencyKey: idempotencyKeyArg(input.idempotencyKey),
      };
      const node = await ctx.access.node(resellerId);
      if (!node) throw fail('NOT_FOUND', 'organizationId: no such organisation.', { field: 'organizationId' });
      if (node.kind !== 'RESELLER') throw badInput('organizationId', 'must be a reseller: commission is paid to resellers only.');
      return ctx.wallets.payCommission(command);
    });
  },
};
