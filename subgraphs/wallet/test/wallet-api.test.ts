import { newId } from '@platform/kernel';
import { codesOf, tokenAs } from '@platform/testkit';
import { describe, expect } from 'vitest';
import { countRows, key, walletTest, type WalletHarness } from './support/fixtures.ts';

const TOP_UP = `mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { id kind amount { amount currency } balanceAfter { amount } reference } }`;
const WALLET = `query($id: ID!) { wallet(id: $id) { id currency balance { amount currency } available { amount } organization { id } lowBalanceThreshold { amount } } }`;
const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Wallet { id balance { amount } }
  ... on Organization { id wallet { id available { amount } } } } }`;

const topUp = (h: WalletHarness, organizationId: string, amount: string, token: string, extra: Record<string, unknown> = {}) =>
  h.call(TOP_UP, { input: { organizationId, amount, paymentReference: 'EFT-1', idempotencyKey: key(), ...extra } }, token);

/** Three wallets opened with R 100 each, by id. */
const test = walletTest.extend<{ wallets: { customerA: string; customerB: string; resellerA: string } }>({
  wallets: [
    async ({ wallet: h, tree }, use) => {
      const opened = await Promise.all(
        [tree.customerA, tree.customerB, tree.resellerA].map(async (organizationId) => {
          await h.subgraph.wallets.topUp({ organizationId, amount: 100_00n, currency: 'ZAR', paymentReference: 'opening', idempotencyKey: key() });
          return h.subgraph.wallets.requireWallet(organizationId);
        }),
      );
      const [customerA = '', customerB = '', resellerA = ''] = opened;
      await use({ customerA, customerB, resellerA });
    },
    { scope: 'file' },
  ],
});

describe('the tenancy matrix', () => {
  test('a customer reads its own wallet', async ({ wallet: h, tree, auth, wallets }) => {
    const r = await h.call(WALLET, { id: wallets.customerA }, await tokenAs(auth, tree.customerA, 'VIEWER'));
    expect(r.errors).toBeUndefined();
    expect(r.data?.wallet).toEqual({
      id: wallets.customerA,
      currency: 'ZAR',
      balance: { amount: '100.00', currency: 'ZAR' },
      available: { amount: '100.00' },
      organization: { id: tree.customerA },
      lowBalanceThreshold: null,
    });
  });

  test('a customer cannot read another customer’s wallet, by id, through its organisation, or through _entities', async ({
    wallet: h,
    tree,
    auth,
    wallets,
  }) => {
    const token = await tokenAs(auth, tree.customerA, 'OWNER');
    expect((await h.call(WALLET, { id: wallets.customerB }, token)).data?.wallet).toBeNull();
    const r = await h.call(
      ENTITIES,
      {
        representations: [
          { __typename: 'Wallet', id: wallets.customerB },
          { __typename: 'Organization', id: tree.customerB },
          { __typename: 'Wallet', id: wallets.resellerA },
        ],
      },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([null, { id: tree.customerB, wallet: null }, null]);
  });

  test('a reseller sees its customers’ wallets and not another reseller’s customers’', async ({ wallet: h, tree, auth, wallets }) => {
    const token = await tokenAs(auth, tree.resellerA, 'VIEWER');
    const r = await h.call(
      ENTITIES,
      {
        representations: [
          { __typename: 'Wallet', id: wallets.customerA },
          { __typename: 'Wallet', id: wallets.customerB },
          { __typename: 'Organization', id: tree.customerA },
        ],
      },
      token,
    );
    expect(r.data?._entities).toEqual([
      { id: wallets.customerA, balance: { amount: '100.00' } },
      null,
      { id: tree.customerA, wallet: { id: wallets.customerA, available: { amount: '100.00' } } },
    ]);
  });

  test('the provider sees every wallet; an anonymous caller sees none', async ({ wallet: h, tree, auth, wallets }) => {
    const reps = {
      representations: [
        { __typename: 'Wallet', id: wallets.customerA },
        { __typename: 'Wallet', id: wallets.customerB },
      ],
    };
    const provider = await h.call(ENTITIES, reps, await tokenAs(auth, tree.provider, 'VIEWER'));
    expect(provider.data?._entities.map((w: { id: string } | null) => w?.id)).toEqual([wallets.customerA, wallets.customerB]);
    expect((await h.call(ENTITIES, reps)).data?._entities).toEqual([null, null]);
    expect(codesOf(await h.call(WALLET, { id: wallets.customerA }))).toEqual(['UNAUTHENTICATED']);
  });

  test('an organisation with no wallet yet has wallet null, and an unknown wallet id is null', async ({ wallet: h, tree, auth, wallets: _opened }) => {
    const token = await tokenAs(auth, tree.provider, 'VIEWER');
    const r = await h.call(
      ENTITIES,
      {
        representations: [
          { __typename: 'Organization', id: tree.directCustomer },
          { __typename: 'Wallet', id: newId() },
        ],
      },
      token,
    );
    expect(r.data?._entities).toEqual([{ id: tree.directCustomer, wallet: null }, null]);
  });

  test('_entities batches: eight wallets and eight organisations cost one statement each', async ({ wallet: h, tree, auth, wallets }) => {
    const token = await tokenAs(auth, tree.provider, 'VIEWER');
    const representations = [
      ...Array.from({ length: 4 }, () => [
        { __typename: 'Wallet', id: wallets.customerA },
        { __typename: 'Wallet', id: newId() },
      ]).flat(),
      ...Array.from({ length: 4 }, () => [
        { __typename: 'Organization', id: tree.customerA },
        { __typename: 'Organization', id: tree.customerB },
      ]).flat(),
    ];
    h.statements.reset();
    const r = await h.call(ENTITIES, { representations }, token);
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toHaveLength(16);
    expect(h.statements.statements.filter((s) => s.includes('from "accounts"'))).toHaveLength(2);
  });

  test('holds and transactions of many wallets cost one statement each, whatever the page size', async ({ wallet: h, tree, auth, wallets }) => {
    const PAGES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Wallet { id holds(status: null, first: 5) { edges { node { id } } } transactions(first: 5) { edges { node { amount { amount } } } } } } }`;
    const representations = [wallets.customerA, wallets.customerB, wallets.resellerA].map((id) => ({ __typename: 'Wallet', id }));
    h.statements.reset();
    const r = await h.call(PAGES, { representations }, await tokenAs(auth, tree.provider, 'VIEWER'));
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((w: { transactions: { edges: unknown[] } }) => w.transactions.edges.length > 0)).toEqual([true, true, true]);
    expect(h.statements.statements.filter((s) => s.includes('from "holds"'))).toHaveLength(1);
    expect(h.statements.statements.filter((s) => s.includes('from "transfers"'))).toHaveLength(1);
  });
});

describe('topUpWallet', () => {
  // Who may top up, the per-credit limit and the ledger's range: money-in.test.ts.
  test('creates the wallet on the first top-up', async ({ wallet: h, tree, auth }) => {
    const r = await topUp(h, tree.directCustomer, '10.00', await tokenAs(auth, tree.provider, 'OWNER'));
    expect(r.data?.topUpWallet.balanceAfter).toEqual({ amount: '10.00' });
  });

  test('bad input is rejected naming the field, and nothing is written', async ({ wallet: h, tree, auth }) => {
    const token = await tokenAs(auth, tree.provider, 'BILLING');
    const before = await Promise.all([countRows(h.db, 'transfers'), countRows(h.db, 'idempotency_keys')]);
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: '-5.00' }, 'amount'],
      [{ amount: '0' }, 'amount'],
      [{ amount: '1.234' }, 'amount'],
      [{ amount: '1e3' }, 'amount'],
      [{ amount: '99999999999999999' }, 'amount'],
      [{ amount: '1000000.01' }, 'amount'],
      [{ amount: 'ten' }, 'amount'],
      [{ currency: 'USD' }, 'currency'],
      [{ organizationId: 'not-a-uuid' }, 'organizationId'],
      [{ paymentReference: '   ' }, 'paymentReference'],
      [{ idempotencyKey: 'has space' }, 'idempotencyKey'],
      [{ idempotencyKey: '' }, 'idempotencyKey'],
    ];
    for (const [override, field] of cases) {
      const r = await h.call(
        TOP_UP,
        { input: { organizationId: tree.customerA, amount: '1.00', paymentReference: 'EFT', idempotencyKey: key(), ...override } },
        token,
      );
      expect({ override, codes: codesOf(r), field: r.errors?.[0]?.extensions?.['field'] }).toEqual({
        override,
        codes: ['BAD_USER_INPUT'],
        field: `input.${field}`,
      });
      expect(r.errors?.[0]?.message).toContain(`input.${field}`);
    }
    expect(await Promise.all([countRows(h.db, 'transfers'), countRows(h.db, 'idempotency_keys')])).toEqual(before);
  });

  test('the same key with the same request answers the same; with a different amount, CONFLICT', async ({ wallet: h, tree, auth }) => {
    const token = await tokenAs(auth, tree.provider, 'BILLING');
    const input = { organizationId: tree.customerA, amount: '3.00', paymentReference: 'EFT-5', idempotencyKey: key() };
    const first = await h.call(TOP_UP, { input }, token);
    expect((await h.call(TOP_UP, { input }, token)).data).toEqual(first.data);
    const clash = await h.call(TOP_UP, { input: { ...input, amount: '4.00' } }, token);
    expect(codesOf(clash)).toEqual(['CONFLICT']);
  });
});

describe('adjustWallet and setLowBalanceThreshold', () => {
  const ADJUST = `mutation($input: AdjustWalletInput!) { adjustWallet(input: $input) { kind amount { amount } description correctsTransactionId } }`;
  const THRESHOLD = `mutation($input: SetLowBalanceThresholdInput!) { setLowBalanceThreshold(input: $input) { id lowBalanceThreshold { amount } } }`;
  const adjust = (h: WalletHarness, organizationId: string, token: string, extra: Record<string, unknown> = {}) =>
    h.call(ADJUST, { input: { organizationId, amount: '-2.50', reason: 'duplicate charge', idempotencyKey: key(), ...extra } }, token);

  test('provider staff adjust any wallet, down or up, with a reason', async ({ wallet: h, tree, auth }) => {
    const token = await tokenAs(auth, tree.provider, 'ADMIN');
    const down = await adjust(h, tree.customerB, token);
    expect(down.data?.adjustWallet).toEqual({ kind: 'ADJUSTMENT', amount: { amount: '-2.50' }, description: 'duplicate charge', correctsTransactionId: null });
    expect(codesOf(await adjust(h, tree.customerB, token, { reason: ' ' }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await adjust(h, tree.customerB, token, { amount: '0.00' }))).toEqual(['BAD_USER_INPUT']);
  });

  test('nobody else may: reseller ADMIN, provider MEMBER, customer OWNER are FORBIDDEN', async ({ wallet: h, tree, auth }) => {
    for (const token of [
      await tokenAs(auth, tree.resellerB, 'ADMIN'),
      await tokenAs(auth, tree.provider, 'MEMBER'),
      await tokenAs(auth, tree.customerB, 'OWNER'),
    ]) {
      expect(codesOf(await adjust(h, tree.customerB, token))).toEqual(['FORBIDDEN']);
    }
  });

  test('a threshold needs BILLING, may be cleared with null, and must not be negative', async ({ wallet: h, tree, auth, wallets }) => {
    const token = await tokenAs(auth, tree.customerA, 'BILLING');
    const set = await h.call(THRESHOLD, { input: { organizationId: tree.customerA, threshold: '20.00' } }, token);
    expect(set.data?.setLowBalanceThreshold).toEqual({ id: wallets.customerA, lowBalanceThreshold: { amount: '20.00' } });
    const cleared = await h.call(THRESHOLD, { input: { organizationId: tree.customerA, threshold: null } }, token);
    expect(cleared.data?.setLowBalanceThreshold.lowBalanceThreshold).toBeNull();
    const negative = await h.call(THRESHOLD, { input: { organizationId: tree.customerA, threshold: '-1' } }, token);
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.threshold' });
    const member = await h.call(THRESHOLD, { input: { organizationId: tree.customerA, threshold: '1' } }, await tokenAs(auth, tree.customerA, 'MEMBER'));
    expect(codesOf(member)).toEqual(['FORBIDDEN']);
  });
});

describe('operations for other subgraphs', () => {
  const HOLD = `mutation($input: PlaceHoldInput!) { internalPlaceHold(input: $input) { id status amount { amount } capturedAmount { amount } reference expiresAt } }`;
  const CAPTURE = `mutation($input: CaptureHoldInput!) { internalCaptureHold(input: $input) { id status capturedAmount { amount } resolvedAt } }`;
  const RELEASE = `mutation($input: ReleaseHoldInput!) { internalReleaseHold(input: $input) { status } }`;
  const COMMISSION = `mutation($input: PayCommissionInput!) { internalPayCommission(input: $input) { kind amount { amount } reference } }`;
  const DEBIT = `mutation($input: DebitForBillInput!) { internalDebitForBill(input: $input) { kind amount { amount } reference } }`;
  const HOLDS = `query($id: ID!, $status: WalletHoldStatus) { wallet(id: $id) { available { amount } holds(status: $status) { edges { node { id status } } } } }`;

  test('need a service token with the operation’s scope', async ({ wallet: h, tree, auth }) => {
    const input = { organizationId: tree.customerA, amount: '1.00', idempotencyKey: key() };
    expect(codesOf(await h.call(HOLD, { input }, await tokenAs(auth, tree.provider, 'OWNER')))).toEqual(['FORBIDDEN']);
    expect(codesOf(await h.call(HOLD, { input }, await h.service('wallet:debit')))).toEqual(['FORBIDDEN']);
    expect(codesOf(await h.call(HOLD, { input }))).toEqual(['UNAUTHENTICATED']);
    const debit = { organizationId: tree.customerA, billId: newId(), amount: '1.00' };
    expect(codesOf(await h.call(DEBIT, { input: debit }, await h.service('wallet:hold')))).toEqual(['FORBIDDEN']);
  });

  test('place, list, capture in part and release holds', async ({ wallet: h, tree, auth, wallets }) => {
    const token = await h.service('wallet:hold');
    const viewer = await tokenAs(auth, tree.customerA, 'VIEWER');
    const placed = await h.call(
      HOLD,
      { input: { organizationId: tree.customerA, amount: '10.00', idempotencyKey: key(), reference: 'vm-7', expiresInSeconds: 600 } },
      token,
    );
    expect(placed.data?.internalPlaceHold).toMatchObject({ status: 'PENDING', amount: { amount: '10.00' }, capturedAmount: null, reference: 'vm-7' });
    const holdId = placed.data?.internalPlaceHold.id as string;
    const open = await h.call(HOLDS, { id: wallets.customerA }, viewer);
    expect(open.data?.wallet.holds.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(holdId);

    const captured = await h.call(CAPTURE, { input: { holdId, amount: '7.50', idempotencyKey: key() } }, token);
    expect(captured.data?.internalCaptureHold).toMatchObject({ status: 'CAPTURED', capturedAmount: { amount: '7.50' } });
    const all = await h.call(HOLDS, { id: wallets.customerA, status: null }, viewer);
    expect(all.data?.wallet.holds.edges[0].node).toEqual({ id: holdId, status: 'CAPTURED' });

    const other = await h.call(HOLD, { input: { organizationId: tree.customerA, amount: '1.00', idempotencyKey: key() } }, token);
    const released = await h.call(RELEASE, { input: { holdId: other.data?.internalPlaceHold.id, idempotencyKey: key() } }, token);
    expect(released.data?.internalReleaseHold).toEqual({ status: 'RELEASED' });
  });

  test('refuse bad input by field: an unknown hold, a hold beyond the available amount, a bad expiry', async ({ wallet: h, tree }) => {
    const token = await h.service('wallet:hold');
    const unknown = await h.call(CAPTURE, { input: { holdId: newId(), idempotencyKey: key() } }, token);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.holdId' });
    const tooMuch = await h.call(HOLD, { input: { organizationId: tree.customerB, amount: '100000.00', idempotencyKey: key() } }, token);
    expect(codesOf(tooMuch)).toEqual(['INSUFFICIENT_FUNDS']);
    const expiry = await h.call(HOLD, { input: { organizationId: tree.customerB, amount: '1.00', idempotencyKey: key(), expiresInSeconds: 0 } }, token);
    expect(expiry.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expiresInSeconds' });
    const noWallet = await h.call(HOLD, { input: { organizationId: newId(), amount: '1.00', idempotencyKey: key() } }, token);
    expect(noWallet.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.organizationId' });
  });

  test('commission is paid to resellers only', async ({ wallet: h, tree }) => {
    const token = await h.service('wallet:commission');
    const input = { amount: '5.00', reference: 'stmt-2026-10', idempotencyKey: key() };
    const paid = await h.call(COMMISSION, { input: { ...input, organizationId: tree.resellerA } }, token);
    expect(paid.data?.internalPayCommission).toEqual({ kind: 'COMMISSION', amount: { amount: '5.00' }, reference: 'stmt-2026-10' });
    const toCustomer = await h.call(COMMISSION, { input: { ...input, idempotencyKey: key(), organizationId: tree.customerA } }, token);
    expect(toCustomer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.organizationId' });
    const unknown = await h.call(COMMISSION, { input: { ...input, idempotencyKey: key(), organizationId: newId() } }, token);
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
  });

  test('a bill is debited once under its id, which must be a UUID', async ({ wallet: h, tree }) => {
    const token = await h.service('wallet:debit');
    const input = { organizationId: tree.resellerA, billId: newId(), amount: '2.00', description: 'October' };
    const paid = await h.call(DEBIT, { input }, token);
    expect(paid.data?.internalDebitForBill).toEqual({ kind: 'BILL_PAYMENT', amount: { amount: '-2.00' }, reference: input.billId });
    const bad = await h.call(DEBIT, { input: { ...input, billId: 'bill-1' } }, token);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.billId' });
  });
});

describe('Wallet.transactions', () => {
  const TRANSACTIONS = `query($id: ID!, $first: Int, $after: String, $filter: WalletTransactionFilter) {
    wallet(id: $id) { transactions(first: $first, after: $after, filter: $filter) {
      edges { cursor node { id kind amount { amount } balanceAfter { amount } createdAt } } pageInfo { hasNextPage endCursor } } } }`;

  test('pages newest first with cursors, filters by kind and time, and refuses forged cursors naming after', async ({
    wallet: h,
    tree,
    auth,
    wallets: _opened,
  }) => {
    const organizationId = tree.resellerB;
    const billing = await tokenAs(auth, organizationId, 'BILLING');
    const staff = await tokenAs(auth, tree.provider, 'BILLING');
    for (const amount of ['1.00', '2.00', '3.00']) await topUp(h, organizationId, amount, staff);
    const walletId = await h.subgraph.wallets.requireWallet(organizationId);
    const page1 = await h.call(TRANSACTIONS, { id: walletId, first: 2 }, billing);
    const conn = page1.data?.wallet.transactions;
    expect(conn.edges.map((e: { node: { amount: { amount: string } } }) => e.node.amount.amount)).toEqual(['3.00', '2.00']);
    expect(conn.edges[0].node.balanceAfter).toEqual({ amount: '6.00' });
    expect(conn.pageInfo.hasNextPage).toBe(true);
    const page2 = await h.call(TRANSACTIONS, { id: walletId, first: 2, after: conn.pageInfo.endCursor }, billing);
    expect(page2.data?.wallet.transactions.edges.map((e: { node: { amount: { amount: string } } }) => e.node.amount.amount)).toEqual(['1.00']);
    expect(page2.data?.wallet.transactions.pageInfo.hasNextPage).toBe(false);

    const none = await h.call(TRANSACTIONS, { id: walletId, filter: { kinds: ['BILL_PAYMENT'] } }, billing);
    expect(none.data?.wallet.transactions.edges).toEqual([]);
    const future = await h.call(TRANSACTIONS, { id: walletId, filter: { since: '2999-01-01T00:00:00Z' } }, billing);
    expect(future.data?.wallet.transactions.edges).toEqual([]);
    const forged = await h.call(TRANSACTIONS, { id: walletId, after: Buffer.from('"drop table"').toString('base64url') }, billing);
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const tooMany = await h.call(TRANSACTIONS, { id: walletId, first: 101 }, billing);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const badDate = await h.call(TRANSACTIONS, { id: walletId, filter: { since: 'yesterday' } }, billing);
    expect(codesOf(badDate)).toEqual(['BAD_USER_INPUT']);
  });
});
