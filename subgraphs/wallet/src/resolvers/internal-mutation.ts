import { badInput, fail, fieldsUnder, parseId, parseIdempotencyKey, parseOptionalText, parseText } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { amountArg, currencyArg, expiresInSecondsArg } from './inputs.ts';

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
        organizationId: parseId(input.organizationId, 'organizationId'),
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
        description: parseOptionalText(input.description, 'description', { max: 500 }),
        reference: parseOptionalText(input.reference, 'reference', { max: 200 }),
        expiresInSeconds: expiresInSecondsArg(input.expiresInSeconds),
      });
    });
  },

  async internalCaptureHold(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:hold');
      const amount = input.amount === null || input.amount === undefined ? null : amountArg(input.amount);
      return ctx.wallets.captureHold(parseId(input.holdId, 'holdId'), amount, parseIdempotencyKey(input.idempotencyKey));
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
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        description: parseOptionalText(input.description, 'description', { max: 500 }),
      });
    });
  },

  async internalPayCommission(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireServiceScope('wallet:commission');
      const resellerId = parseId(input.organizationId, 'organizationId');
      const command = {
        resellerId,
        amount: amountArg(input.amount),
        currency: currencyArg(input.currency),
        reference: parseText(input.reference, 'reference', { max: 200 }),
        description: parseOptionalText(input.description, 'description', { max: 500 }),
        idempotencyKey: parseIdempotencyKey(input.idempotencyKey),
      };
      const node = await ctx.access.node(resellerId);
      if (!node) throw fail('NOT_FOUND', 'organizationId: no such organisation.', { field: 'organizationId' });
      if (node.kind !== 'RESELLER') throw badInput('organizationId', 'must be a reseller: commission is paid to resellers only.');
      return ctx.wallets.payCommission(command);
    });
  },
};
