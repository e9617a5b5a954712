import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '@platform/kernel';
import { sql } from 'kysely';
import { describe, expect, vi } from 'vitest';
import { auditLedger } from '../src/domain/ledger-audit.ts';
import { WalletService } from '../src/domain/wallet-service.ts';
import { countRows, key, walletTest, type WalletHarness } from './support/fixtures.ts';

// Hundreds of postings per test over HTTP, on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });
const test = walletTest;

const DEBIT = `mutation($input: DebitForBillInput!) { internalDebitForBill(input: $input) { id balanceAfter { amount } } }`;
const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code ?? String(error);

async function until(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

async function fundedOrg(h: WalletHarness, cents: bigint) {
  const organizationId = newId();
  await h.subgraph.wallets.topUp({ organizationId, amount: cents, currency: 'ZAR', paymentReference: 'seed', idempotencyKey: key() });
  return { organizationId, walletId: await h.subgraph.wallets.requireWallet(organizationId) };
}

/**
 * Makes the batching deterministic: the wallet's row is locked by the test while `first` starts a
 * batch (which then waits on the lock) and `rest` queue up behind it; once all of `rest` wait, the
 * lock goes and they post as ONE batch, in the order they were sent.
 */
async function oneBatchBehind<T>(h: WalletHarness, walletId: string, first: () => Promise<unknown>, rest: () => Promise<T>[], service = h.subgraph.wallets) {
  const ledger = service.ledger;
  const before = ledger.groupCommitStats()?.batches ?? 0;
  let firstDone: Promise<unknown> = Promise.resolve();
  let settled: Promise<PromiseSettledResult<T>[]> = Promise.resolve([]);
  let queued = 0;
  await h.db.transaction().execute(async (trx) => {
    await trx.selectFrom('accounts').select('id').where('id', '=', walletId).forUpdate().execute();
    firstDone = first();
    await until(() => (ledger.groupCommitStats()?.batches ?? 0) === before + 1, 'the first batch is in flight');
    const sent = rest();
    queued = sent.length;
    settled = Promise.allSettled(sent);
    await until(() => ledger.waitingPostings() === queued, `${queued} postings wait for the next batch`);
  });
  await firstDone;
  const results = await settled;
  // The first batch and exactly one more: everything sent behind the lock went together.
  expect(ledger.groupCommitStats()?.batches).toBe(before + 2);
  expect(ledger.groupCommitStats()?.largestBatch).toBeGreaterThanOrEqual(queued);
  return results;
}

async function expectAuditHolds(h: WalletHarness) {
  const audit = await auditLedger(h.db);
  expect(audit).toMatchObject({ ok: true, mismatched: [], belowFloor: [], journalTotal: 0n });
}

const balanceOf = async (h: WalletHarness, walletId: string) =>
  (await h.db.selectFrom('accounts').select(['balance', 'held']).where('id', '=', walletId).executeTakeFirstOrThrow()).balance;
const debitsOf = (h: WalletHarness, walletId: string) =>
  h.db.selectFrom('transfers').select(['id', 'amount', 'debit_balance_after', 'reference']).where('debit_account_id', '=', walletId).orderBy('id').execute();

describe('group commit on one hot wallet', () => {
  test('200 concurrent debits over HTTP with exactly enough funds post as one batch: all succeed, the wallet ends at 0 with 200 journal entries, each balanceAfter distinct, one low-balance event', async ({
    wallet: h,
  }) => {
    const { organizationId, walletId } = await fundedOrg(h, 10_000n); // R100 now, R100 more as the first batch
    await h.subgraph.wallets.setLowBalanceThreshold(organizationId, 'ZAR', 5_000n);
    const outboxBefore = await countRows(h.db, 'outbox');
    const token = await h.service('wallet:debit');
    const results = await oneBatchBehind(
      h,
      walletId,
      () => h.subgraph.wallets.topUp({ organizationId, amount: 10_000n, currency: 'ZAR', paymentReference: 'second', idempotencyKey: key() }),
      () => Array.from({ length: 200 }, () => h.call(DEBIT, { input: { organizationId, billId: newId(), amount: '1.00' } }, token)),
    );
    const responses = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
    expect(responses.filter((r) => r !== null && !r.errors && r.status === 200)).toHaveLength(200);
    expect(await balanceOf(h, walletId)).toBe('0');
    const debits = await debitsOf(h, walletId);
    expect(debits).toHaveLength(200);
    // Every posting saw the balance the one before it left: 199.00, 198.00, ... 0.00, once each, in id order.
    const after = responses.map((r) => (r?.data?.internalDebitForBill as { balanceAfter: { amount: string } }).balanceAfter.amount);
    expect(new Set(after).size).toBe(200);
    expect(after).toContain('199.00');
    expect(after).toContain('0.00');
    expect(debits.map((d) => Number(d.debit_balance_after))).toEqual(Array.from({ length: 200 }, (_, i) => 19_900 - 100 * i));
    // Available crossed R50 once, inside the batch: one event.
    const events = await h.db.selectFrom('outbox').select('payload').where('topic', '=', 'wallet.low_balance').execute();
    expect(await countRows(h.db, 'outbox')).toBe(outboxBefore + 1);
    expect(events.filter((e) => (e.payload as { walletId: string }).walletId === walletId)).toHaveLength(1);
    await expectAuditHolds(h);
  });

  test('200 debits in one batch with funds for 150: the first 150 sent succeed, the last 50 get INSUFFICIENT_FUNDS on their own, the balance ends at 0', async ({
    wallet: h,
  }) => {
    const { organizationId, walletId } = await fundedOrg(h, 5_000n);
    const wallets = h.subgraph.wallets;
    const pay = (billId: string) => wallets.payBill({ organizationId, billId, amount: 100n, currency: 'ZAR', description: null });
    const results = await oneBatchBehind(
      h,
      walletId,
      () => wallets.topUp({ organizationId, amount: 10_000n, currency: 'ZAR', paymentReference: 'second', idempotencyKey: key() }),
      () => Array.from({ length: 200 }, (_, i) => pay(`bill-${i}`)),
    );
    const outcome = results.map((r) => (r.status === 'fulfilled' ? 'OK' : codeOf(r.reason)));
    expect(outcome.slice(0, 150)).toEqual(Array.from({ length: 150 }, () => 'OK'));
    expect(outcome.slice(150)).toEqual(Array.from({ length: 50 }, () => 'INSUFFICIENT_FUNDS'));
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { balanceAfter: 14_900n, amount: -100n } });
    expect(results[149]).toMatchObject({ status: 'fulfilled', value: { balanceAfter: 0n } });
    expect(await balanceOf(h, walletId)).toBe('0');
    expect(await debitsOf(h, walletId)).toHaveLength(150);
    // A refused posting gave its key back: once there is money again, the same bill pays.
    await wallets.topUp({ organizationId, amount: 100n, currency: 'ZAR', paymentReference: 'third', idempotencyKey: key() });
    await expect(pay('bill-150')).resolves.toMatchObject({ balanceAfter: 0n, reference: 'bill-150' });
    await expectAuditHolds(h);
  });

  test('one idempotency key repeated inside a batch and across batches posts once; the same key with a different request is CONFLICT', async ({
    wallet: h,
  }) => {
    const { organizationId, walletId } = await fundedOrg(h, 10_000n);
    const wallets = h.subgraph.wallets;
    const pay = (billId: string, amount: bigint) => wallets.payBill({ organizationId, billId, amount, currency: 'ZAR', description: null });
    const results = await oneBatchBehind(
      h,
      walletId,
      () => pay('other-bill', 100n),
      () => [...Array.from({ length: 10 }, () => pay('the-bill', 1_234n)), pay('the-bill', 999n), pay('second-bill', 100n)],
    );
    const first = results[0];
    if (first?.status !== 'fulfilled') throw new Error(`the first posting failed: ${String(first?.reason)}`);
    expect(first.value).toMatchObject({ amount: -1_234n, balanceAfter: 8_666n });
    for (const r of results.slice(0, 10)) expect(r).toEqual({ status: 'fulfilled', value: first.value });
    expect(results[10]?.status === 'rejected' && codeOf(results[10].reason)).toBe('CONFLICT');
    expect(results[11]).toMatchObject({ status: 'fulfilled', value: { balanceAfter: 8_566n } });
    // Across batches (each of these may join its own or a shared batch): the first answer, nothing posted.
    const again = await Promise.all(Array.from({ length: 5 }, () => pay('the-bill', 1_234n)));
    for (const r of again) expect(r).toEqual(first.value);
    await expect(pay('the-bill', 1n)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    const debits = await debitsOf(h, walletId);
    expect(debits.map((d) => [d.reference, d.amount])).toEqual([
      ['other-bill', '100'],
      ['the-bill', '1234'],
      ['second-bill', '100'],
    ]);
    expect(await balanceOf(h, walletId)).toBe('8566');
    await expectAuditHolds(h);
  });

  test('a database failure in a batch writes nothing of it and every caller in it gets the error; the batch before it stands and a retry posts', async ({
    wallet: h,
  }) => {
    const { organizationId, walletId } = await fundedOrg(h, 10_000n);
    const wallets = h.subgraph.wallets;
    const pay = (billId: string) => wallets.payBill({ organizationId, billId, amount: 100n, currency: 'ZAR', description: null });
    const poison = `poison-${newId()}`;
    await sql`create function refuse_poison() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test trigger'; end $$`.execute(h.db);
    await sql`create trigger refuse_poison before insert on transfers for each row
      when (new.reference = ${sql.lit(poison)}) execute function refuse_poison()`.execute(h.db);
    try {
      const keysBefore = await countRows(h.db, 'idempotency_keys');
      const outboxBefore = await countRows(h.db, 'outbox');
      const bills = Array.from({ length: 9 }, (_, i) => `bill-${i}`);
      const results = await oneBatchBehind(
        h,
        walletId,
        () => pay('before'),
        () => [...bills.slice(0, 4).map(pay), pay(poison), ...bills.slice(4).map(pay)],
      );
      expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 'rejected'));
      for (const r of results) {
        expect(r.status === 'rejected' && String((r.reason as Error).message)).toMatch(/batch of 10 transfers failed; nothing of it was written/);
      }
      // Only the batch before it: one debit, one key; none of the ten's keys, so each may retry.
      expect((await debitsOf(h, walletId)).map((d) => d.reference)).toEqual(['before']);
      expect(await balanceOf(h, walletId)).toBe('9900');
      expect(await countRows(h.db, 'idempotency_keys')).toBe(keysBefore + 1);
      expect(await countRows(h.db, 'outbox')).toBe(outboxBefore);
      const retried = await Promise.all(bills.map(pay));
      expect(retried.map((p) => p.balanceAfter).sort((a, b) => Number(b - a))).toEqual([9800n, 9700n, 9600n, 9500n, 9400n, 9300n, 9200n, 9100n, 9000n]);
    } finally {
      await sql`drop trigger refuse_poison on transfers`.execute(h.db);
      await sql`drop function refuse_poison()`.execute(h.db);
    }
    expect(await balanceOf(h, walletId)).toBe('9000');
    await expectAuditHolds(h);
  });

  test('two batchers on one database (as two replicas have) debiting one wallet serialise batch by batch: with funds for 150 of 200, exactly 50 refused, the wallet ends at 0', async ({
    wallet: h,
  }) => {
    const { organizationId, walletId } = await fundedOrg(h, 15_000n);
    const other = new WalletService(h.db, { holdTtlSeconds: 3600 });
    const services = [h.subgraph.wallets, other];
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        (services[i % 2] as WalletService).payBill({ organizationId, billId: newId(), amount: 100n, currency: 'ZAR', description: null }),
      ),
    );
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'OK' : codeOf(r.reason)));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(150);
    expect(codes.filter((c) => c === 'INSUFFICIENT_FUNDS')).toHaveLength(50);
    expect(await balanceOf(h, walletId)).toBe('0');
    expect(await debitsOf(h, walletId)).toHaveLength(150);
    await expectAuditHolds(h);
  });

  test('with group commit off (WALLET_GROUP_COMMIT=0) each transfer is its own transaction, with the same outcomes: 60 debits, funds for 40, 20 refused', async ({
    wallet: h,
  }) => {
    const { organizationId, walletId } = await fundedOrg(h, 4_000n);
    const unbatched = new WalletService(h.db, { holdTtlSeconds: 3600, groupCommit: false });
    // Fewer than the others: each waits for the row lock of the one before, holding a connection.
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => unbatched.payBill({ organizationId, billId: newId(), amount: 100n, currency: 'ZAR', description: null })),
    );
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'OK' : codeOf(r.reason)));
    expect(codes.filter((c) => c !== 'OK' && c !== 'INSUFFICIENT_FUNDS')).toEqual([]);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(40);
    expect(codes.filter((c) => c === 'INSUFFICIENT_FUNDS')).toHaveLength(20);
    expect(unbatched.ledger.groupCommitStats()).toBeNull();
    expect(await balanceOf(h, walletId)).toBe('0');
    expect(await debitsOf(h, walletId)).toHaveLength(40);
    await expectAuditHolds(h);
  });
});

describe('commands the database would refuse are refused before they join a batch', () => {
  test('a NUL in a description, a transfer to its own account, an amount past bigint: BAD_USER_INPUT, nothing written', async ({ wallet: h }) => {
    const { walletId } = await fundedOrg(h, 1_000n);
    const ledger = h.subgraph.wallets.ledger;
    const transfersBefore = await countRows(h.db, 'transfers');
    const base = { kind: 'TRANSFER' as const, debitAccountId: walletId, creditAccountId: newId(), amount: 100n, currency: 'ZAR' };
    const idem = { scope: `t:${walletId}`, key: key(), request: {} };
    await expect(ledger.transfer({ ...base, description: 'bad\u0000text', idempotency: idem })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'description' },
    });
    await expect(ledger.transfer({ ...base, creditAccountId: walletId, idempotency: idem })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'creditAccountId' },
    });
    await expect(ledger.transfer({ ...base, amount: 2n ** 63n, idempotency: idem })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'amount' },
    });
    expect(await countRows(h.db, 'transfers')).toBe(transfersBefore);
  });
});

describe('a refused leader', () => {
  test('a key repeated in a batch whose first use is refused for funds is refused for each, and the key is free again', async ({ wallet: h }) => {
    const { organizationId, walletId } = await fundedOrg(h, 1_000n);
    const wallets = h.subgraph.wallets;
    const pay = (billId: string, amount: bigint) => wallets.payBill({ organizationId, billId, amount, currency: 'ZAR', description: null });
    const results = await oneBatchBehind(
      h,
      walletId,
      () => pay('small', 100n),
      () => Array.from({ length: 3 }, () => pay('too-big', 5_000n)),
    );
    expect(results.map((r) => (r.status === 'rejected' ? codeOf(r.reason) : 'OK'))).toEqual(['INSUFFICIENT_FUNDS', 'INSUFFICIENT_FUNDS', 'INSUFFICIENT_FUNDS']);
    expect(await balanceOf(h, walletId)).toBe('900');
    const keys = await h.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'too-big').execute();
    expect(keys).toEqual([]);
    await expectAuditHolds(h);
  });
});
