import { newId } from '@platform/kernel';
import { codesOf, tokenAs } from '@platform/testkit';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { countRows, key, walletTest, type WalletHarness } from './support/fixtures.ts';

// Money enters a wallet only through the payment flow (a service token with wallet:credit) or provider
// staff (DESIGN §4), at most WALLET_MAX_CREDIT a top-up, and never past the ledger's bigint range.
const test = walletTest.extend({ walletEnv: [{ WALLET_MAX_CREDIT: '5000' }, { scope: 'file' }] });

const TOP_UP = `mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { kind amount { amount } balanceAfter { amount } } }`;
const topUp = (h: WalletHarness, organizationId: string, amount: string, token: string) =>
  h.call(TOP_UP, { input: { organizationId, amount, paymentReference: 'EFT-9', idempotencyKey: key() } }, token);

/** bigint's maximum, 9223372036854775807 minor units, as the API shows it. */
const LEDGER_MAX = '92233720368547758.07';

const written = (h: WalletHarness) => Promise.all([countRows(h.db, 'transfers'), countRows(h.db, 'idempotency_keys'), countRows(h.db, 'accounts')]);
const balanceOf = async (h: WalletHarness, organizationId: string) => {
  const { rows } = await sql<{ balance: string }>`select balance::text from accounts where organization_id = ${organizationId}`.execute(h.db);
  return rows[0]?.balance;
};

describe('who may top up a wallet', () => {
  test('provider staff (BILLING, ADMIN, OWNER on the provider) and the payment flow (wallet:credit) credit any wallet', async ({ wallet: h, tree, auth }) => {
    const callers = [
      await tokenAs(auth, tree.provider, 'BILLING'),
      await tokenAs(auth, tree.provider, 'ADMIN'),
      await tokenAs(auth, tree.provider, 'OWNER'),
      await h.service('wallet:credit'),
    ];
    const after: string[] = [];
    for (const token of callers) {
      const r = await topUp(h, tree.customerA, '10.00', token);
      expect(r.errors).toBeUndefined();
      after.push(r.data?.topUpWallet.balanceAfter.amount);
    }
    expect(after).toEqual(['10.00', '20.00', '30.00', '40.00']);
  });

  test("a customer's BILLING role, a reseller and other tokens are FORBIDDEN, saying money comes in through payments; nothing is written", async ({
    wallet: h,
    tree,
    auth,
  }) => {
    const before = await written(h);
    const refused = [
      await tokenAs(auth, tree.customerA, 'BILLING'),
      await tokenAs(auth, tree.customerA, 'OWNER'),
      await tokenAs(auth, tree.resellerA, 'ADMIN'),
      await tokenAs(auth, tree.resellerA, 'BILLING'),
      await tokenAs(auth, tree.provider, 'MEMBER'),
      await tokenAs(auth, tree.provider, 'VIEWER'),
      await h.service('wallet:debit', 'wallet:hold', 'wallet:commission'),
      await h.service(),
    ];
    for (const token of refused) {
      for (const organizationId of [tree.customerA, tree.customerB]) {
        const r = await topUp(h, organizationId, '10.00', token);
        expect(codesOf(r)).toEqual(['FORBIDDEN']);
        expect(r.errors?.[0]?.message).toBe(
          'Money comes into a wallet through payments: only the payment flow or provider staff (BILLING on the provider) may top up a wallet.',
        );
      }
    }
    // Refused before the input is read: a customer learns nothing from a malformed request either.
    expect(codesOf(await topUp(h, 'not-a-uuid', '1e3', await tokenAs(auth, tree.customerA, 'BILLING')))).toEqual(['FORBIDDEN']);
    expect(codesOf(await topUp(h, tree.customerA, '10.00', ''))).toEqual(['UNAUTHENTICATED']);
    expect(await written(h)).toEqual(before);
  });

  test('an organisation that does not exist is NOT_FOUND naming input.organizationId, and no wallet is made for it', async ({ wallet: h, auth, tree }) => {
    const before = await written(h);
    for (const token of [await h.service('wallet:credit'), await tokenAs(auth, tree.provider, 'BILLING')]) {
      const r = await topUp(h, newId(), '10.00', token);
      expect(codesOf(r)).toEqual(['NOT_FOUND']);
      expect(r.errors?.[0]?.extensions?.['field']).toBe('input.organizationId');
    }
    expect(await written(h)).toEqual(before);
  });
});

describe('how much one top-up may credit', () => {
  test('WALLET_MAX_CREDIT (here R 5,000) is accepted; a cent more, or the R 10 trillion of the overflow report, is BAD_USER_INPUT on input.amount', async ({
    wallet: h,
    tree,
    auth,
  }) => {
    const staff = await tokenAs(auth, tree.provider, 'BILLING');
    const atLimit = await topUp(h, tree.resellerB, '5000.00', staff);
    expect(atLimit.data?.topUpWallet).toEqual({ kind: 'TOP_UP', amount: { amount: '5000.00' }, balanceAfter: { amount: '5000.00' } });
    const before = await written(h);
    const cases: [string, string][] = [
      ['5000.01', 'input.amount: must be at most 5000.00 per top-up (WALLET_MAX_CREDIT).'],
      ['10000000000000', 'input.amount: must be at most 5000.00 per top-up (WALLET_MAX_CREDIT).'],
      ['10000000000000.01', 'input.amount: must be at most 10000000000000.00.'],
      ['92233720368547758.08', 'input.amount: must be a decimal amount with at most 2 decimal places, like "150.00".'],
    ];
    for (const [amount, message] of cases) {
      for (const token of [staff, await h.service('wallet:credit')]) {
        const r = await topUp(h, tree.resellerB, amount, token);
        expect({ amount, codes: codesOf(r), field: r.errors?.[0]?.extensions?.['field'], message: r.errors?.[0]?.message }).toEqual({
          amount,
          codes: ['BAD_USER_INPUT'],
          field: 'input.amount',
          message,
        });
      }
    }
    expect(await written(h)).toEqual(before);
    expect(await balanceOf(h, tree.resellerB)).toBe('500000');
  });
});

describe("the ledger's range", () => {
  // 9,200 top-ups of R 1,000,000 would take an hour to post; the wallet is put next to the column's maximum instead.
  test('a wallet near bigint’s maximum takes credits up to it exactly; past it is BAD_USER_INPUT on input.amount, never an internal error', async ({
    wallet: h,
    tree,
    auth,
  }) => {
    const staff = await tokenAs(auth, tree.provider, 'BILLING');
    expect((await topUp(h, tree.directCustomer, '1.00', staff)).errors).toBeUndefined();
    await sql`update accounts set balance = 9223372036854775807 - 499999 where organization_id = ${tree.directCustomer}`.execute(h.db);
    const before = await written(h);

    const past = await topUp(h, tree.directCustomer, '5000.00', staff);
    expect(codesOf(past)).toEqual(['BAD_USER_INPUT']);
    expect(past.errors?.[0]?.extensions?.['field']).toBe('input.amount');
    expect(past.errors?.[0]?.message).toBe(`input.amount: would take the wallet past the ledger's limit of ${LEDGER_MAX}.`);
    expect(await written(h)).toEqual(before);

    const upTo = await topUp(h, tree.directCustomer, '4999.98', staff);
    expect(upTo.errors).toBeUndefined();
    expect(upTo.data?.topUpWallet.balanceAfter).toEqual({ amount: '92233720368547758.06' });
    const last = await topUp(h, tree.directCustomer, '0.01', staff);
    expect(last.data?.topUpWallet.balanceAfter).toEqual({ amount: LEDGER_MAX });
    const atMax = await written(h);
    for (const amount of ['0.01', '5000.00']) {
      const r = await topUp(h, tree.directCustomer, amount, await h.service('wallet:credit'));
      expect({ codes: codesOf(r), field: r.errors?.[0]?.extensions?.['field'] }).toEqual({ codes: ['BAD_USER_INPUT'], field: 'input.amount' });
    }
    expect(await written(h)).toEqual(atMax);
    expect(await balanceOf(h, tree.directCustomer)).toBe('9223372036854775807');
  });

  test('two concurrent top-ups where only one fits under the maximum: one posts, the other is BAD_USER_INPUT', async ({ wallet: h, tree, auth }) => {
    const staff = await tokenAs(auth, tree.provider, 'BILLING');
    expect((await topUp(h, tree.customerB, '1.00', staff)).errors).toBeUndefined();
    await sql`update accounts set balance = 9223372036854775807 - 15000 where organization_id = ${tree.customerB}`.execute(h.db);
    const results = await Promise.all([topUp(h, tree.customerB, '100.00', staff), topUp(h, tree.customerB, '100.00', staff)]);
    expect(results.map((r) => (r.errors ? codesOf(r)[0] : 'POSTED')).sort()).toEqual(['BAD_USER_INPUT', 'POSTED']);
    expect(await balanceOf(h, tree.customerB)).toBe('9223372036854770807');
  });
});
