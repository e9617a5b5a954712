import { codesOf, tokenAs } from '@platform/testkit';
import { expect } from 'vitest';
import { key, walletTest as test } from './support/fixtures.ts';

// The payment flow (billing, scope wallet:credit) takes a refunded top-up back out of the wallet, once per key.
const TOP_UP = `mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { balanceAfter { amount } } }`;
const REFUND = `mutation($input: RefundTopUpInput!) { internalRefundTopUp(input: $input) { kind amount { amount } balanceAfter { amount } reference description } }`;

test('a refund debits the wallet once under its key; only wallet:credit may ask; a spent top-up is INSUFFICIENT_FUNDS', async ({ wallet: h, tree, auth }) => {
  const credit = await h.service('wallet:credit');
  const topUpId = crypto.randomUUID();
  await h.call(TOP_UP, { input: { organizationId: tree.customerB, amount: '80.00', paymentReference: `sim_${topUpId}`, idempotencyKey: topUpId } }, credit);
  const input = { organizationId: tree.customerB, amount: '30.00', reference: topUpId, idempotencyKey: topUpId };

  expect(codesOf(await h.call(REFUND, { input }, await tokenAs(auth, tree.provider, 'OWNER')))).toEqual(['FORBIDDEN']);
  expect(codesOf(await h.call(REFUND, { input }, await h.service('wallet:debit')))).toEqual(['FORBIDDEN']);
  expect(codesOf(await h.call(REFUND, { input }))).toEqual(['UNAUTHENTICATED']);

  const results = await Promise.all(Array.from({ length: 5 }, () => h.call(REFUND, { input }, credit)));
  for (const r of results) {
    expect(r.data?.internalRefundTopUp).toEqual({
      kind: 'ADJUSTMENT',
      amount: { amount: '-30.00' },
      balanceAfter: { amount: '50.00' },
      reference: topUpId,
      description: 'Top-up refund',
    });
  }
  const conflicting = await h.call(REFUND, { input: { ...input, amount: '31.00' } }, credit);
  expect(codesOf(conflicting)).toEqual(['CONFLICT']);

  const tooMuch = await h.call(REFUND, { input: { ...input, amount: '60.00', idempotencyKey: key() } }, credit);
  expect(codesOf(tooMuch)).toEqual(['INSUFFICIENT_FUNDS']);
  const malformed = await h.call(REFUND, { input: { ...input, organizationId: 'nope', idempotencyKey: key() } }, credit);
  expect(malformed.errors?.[0]?.message).toBe('input.organizationId: must be a UUID.');
  const after = await h.call(TOP_UP, { input: { organizationId: tree.customerB, amount: '0.01', paymentReference: 'x', idempotencyKey: key() } }, credit);
  expect(after.data?.topUpWallet.balanceAfter.amount).toBe('50.01');
});
