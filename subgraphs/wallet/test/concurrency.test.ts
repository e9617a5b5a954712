import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '@platform/kernel';
import { codesOf, dropTestDatabases } from '@platform/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hold } from '../src/domain/hold.ts';
import { auditLedger } from '../src/domain/ledger-audit.ts';
import { countRows, key, startWallet, type WalletHarness } from './support.ts';

let h: WalletHarness;

beforeAll(async () => {
  h = await startWallet('wallet_races', { DATABASE_POOL_SIZE: '20' });
});

afterAll(async () => {
  await h?.stop();
  await dropTestDatabases();
});

/** A small seeded generator, so a failing run can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code ?? String(error);

describe('the bank test', () => {
  it('1,000 concurrent random transfers, holds and captures across 10 wallets keep money constant, never below zero, balances equal to journals', async () => {
    const wallets = h.subgraph.wallets;
    const ledger = wallets.ledger;
    const orgs = Array.from({ length: 10 }, () => newId());
    const ids: string[] = [];
    for (const organizationId of orgs) {
      await wallets.topUp({ organizationId, amount: 100_000n, currency: 'ZAR', paymentReference: 'seed', idempotencyKey: key() });
      ids.push(await wallets.requireWallet(organizationId));
    }
    const rng = random(20261122);
    const pair = () => {
      const a = rng.int(0, 9);
      const b = (a + rng.int(1, 9)) % 10;
      return [ids[a] as string, ids[b] as string] as const;
    };
    const outcomes = new Map<string, number>();
    const count = (what: string): void => void outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    const expected = new Set(['INSUFFICIENT_FUNDS', 'INVALID_STATE']);
    const idem = (scope: string) => ({ scope, key: key(), request: {} });

    const operation = async (): Promise<void> => {
      const [from, to] = pair();
      const amount = BigInt(rng.int(1, 40_000));
      const roll = rng.next();
      if (roll < 0.5) {
        await ledger.transfer({ kind: 'TRANSFER', debitAccountId: from, creditAccountId: to, amount, currency: 'ZAR', idempotency: idem(`t:${from}`) });
        return count('transfer');
      }
      // Holds pay another wallet when captured, so the ten wallets' total stays what it was.
      const expiresAt = new Date(h.clock.now().getTime() + (roll < 0.9 ? 3_600_000 : 20));
      const hold: Hold = await ledger.placeHold({ walletId: from, creditAccountId: to, amount, currency: 'ZAR', expiresAt, idempotency: idem(`h:${from}`) });
      if (roll < 0.75) {
        const part = rng.next() < 0.5 ? null : BigInt(rng.int(1, Number(amount)));
        await ledger.captureHold({ holdId: hold.id, amount: part, idempotency: idem(`c:${hold.id}`) });
        return count('capture');
      }
      if (roll < 0.9) {
        await ledger.releaseHold({ holdId: hold.id, idempotency: idem(`r:${hold.id}`) });
        return count('release');
      }
      count('left to expire');
    };

    // While the storm runs, read the ten wallets over and over: every committed state must hold the invariants.
    let storming = true;
    const samples: { total: bigint; minBalance: bigint; minAvailable: bigint }[] = [];
    const sampler = (async () => {
      while (storming) {
        const row = await h.db
          .selectFrom('accounts')
          .select([sql<string>`sum(balance)`.as('total'), sql<string>`min(balance)`.as('min_balance'), sql<string>`min(balance - held)`.as('min_available')])
          .where('id', 'in', ids)
          .executeTakeFirst();
        if (row) samples.push({ total: BigInt(row.total), minBalance: BigInt(row.min_balance), minAvailable: BigInt(row.min_available) });
        if (samples.length % 5 === 0) await ledger.expireHolds(h.clock.now()); // the sweeper, racing the storm
        await sleep(10);
      }
    })();

    // 1,000 operations, 100 in flight: the pool (20 connections) keeps 20 transactions racing at every moment.
    const results: PromiseSettledResult<void>[] = [];
    let started = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (started < 1000) {
          started += 1;
          results.push(...(await Promise.allSettled([operation()])));
        }
      }),
    );
    storming = false;
    await sampler;
    await ledger.expireHolds(new Date(h.clock.now().getTime() + 60_000));

    const unexpected = results.flatMap((r) => (r.status === 'rejected' && !expected.has(codeOf(r.reason)) ? [codeOf(r.reason)] : []));
    expect(unexpected).toEqual([]);
    for (const r of results) if (r.status === 'rejected') count(codeOf(r.reason));
    expect(outcomes.get('transfer') ?? 0).toBeGreaterThan(100);
    expect(outcomes.get('capture') ?? 0).toBeGreaterThan(50);
    expect(outcomes.get('INSUFFICIENT_FUNDS') ?? 0).toBeGreaterThan(0); // the storm did push wallets to their floor

    expect(samples.length).toBeGreaterThan(2);
    for (const s of samples) {
      expect(s.total).toBe(1_000_000n);
      expect(s.minBalance).toBeGreaterThanOrEqual(0n);
      expect(s.minAvailable).toBeGreaterThanOrEqual(0n);
    }
    const audit = await auditLedger(h.db);
    expect(audit).toMatchObject({ journalTotal: 0n, mismatched: [], belowFloor: [] });
    const ours = audit.wallets.filter((w) => ids.includes(w.walletId));
    expect(ours.reduce((sum, w) => sum + w.balance, 0n)).toBe(1_000_000n);
    for (const w of ours) {
      expect(w.held).toBe(0n); // everything left open has expired
      expect(w.available).toBeGreaterThanOrEqual(0n);
    }
  });
});

const DEBIT = `mutation($input: DebitForBillInput!) { internalDebitForBill(input: $input) { id kind amount { amount currency } balanceAfter { amount } reference createdAt } }`;
const HOLD = `mutation($input: PlaceHoldInput!) { internalPlaceHold(input: $input) { id status amount { amount } expiresAt createdAt } }`;
const CAPTURE = `mutation($input: CaptureHoldInput!) { internalCaptureHold(input: $input) { id status capturedAmount { amount } } }`;

async function fundedOrg(amount: string) {
  const organizationId = newId();
  await h.subgraph.wallets.topUp({ organizationId, amount: BigInt(Math.round(Number(amount) * 100)), currency: 'ZAR', paymentReference: 'seed', idempotencyKey: key() });
  return { organizationId, walletId: await h.subgraph.wallets.requireWallet(organizationId) };
}

describe('races over HTTP', () => {
  it('200 concurrent debits against a wallet that can afford exactly 50: 50 succeed, 150 get INSUFFICIENT_FUNDS', async () => {
    const { organizationId, walletId } = await fundedOrg('50.00');
    const token = await h.service('wallet:debit');
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => h.call(DEBIT, { input: { organizationId, billId: newId(), amount: '1.00' } }, token)),
    );
    const codes = responses.map((r) => (r.errors ? String(codesOf(r)[0]) : 'OK'));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(50);
    expect(codes.filter((c) => c === 'INSUFFICIENT_FUNDS')).toHaveLength(150);
    const wallet = await h.db.selectFrom('accounts').select(['balance', 'held']).where('id', '=', walletId).executeTakeFirstOrThrow();
    expect(wallet).toEqual({ balance: '0', held: '0' });
    const debits = await h.db.selectFrom('transfers').select('id').where('debit_account_id', '=', walletId).execute();
    expect(debits).toHaveLength(50);
  });

  it('one idempotency key fired 20 times at once: one posting, 20 identical answers', async () => {
    const { organizationId, walletId } = await fundedOrg('100.00');
    const token = await h.service('wallet:debit');
    const input = { organizationId, billId: newId(), amount: '12.34' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.call(DEBIT, { input }, token)));
    expect(responses.every((r) => !r.errors)).toBe(true);
    for (const r of responses) expect(r.data).toEqual(responses[0]?.data);
    expect(responses[0]?.data?.internalDebitForBill).toMatchObject({ amount: { amount: '-12.34' }, balanceAfter: { amount: '87.66' } });
    const debits = await h.db.selectFrom('transfers').select('id').where('debit_account_id', '=', walletId).execute();
    expect(debits).toHaveLength(1);
  });

  it('one hold key fired 20 times at once: one hold, held once, 20 identical answers', async () => {
    const { organizationId, walletId } = await fundedOrg('100.00');
    const token = await h.service('wallet:hold');
    const input = { organizationId, amount: '30.00', idempotencyKey: key() };
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.call(HOLD, { input }, token)));
    expect(responses.every((r) => !r.errors)).toBe(true);
    for (const r of responses) expect(r.data).toEqual(responses[0]?.data);
    const wallet = await h.db.selectFrom('accounts').select(['balance', 'held']).where('id', '=', walletId).executeTakeFirstOrThrow();
    expect(wallet).toEqual({ balance: '10000', held: '3000' });
    expect(await h.db.selectFrom('holds').select('id').where('wallet_id', '=', walletId).execute()).toHaveLength(1);
  });

  it('a hold cannot be captured twice, even by 10 concurrent captures with different keys', async () => {
    const { organizationId, walletId } = await fundedOrg('100.00');
    const token = await h.service('wallet:hold');
    const placed = await h.call(HOLD, { input: { organizationId, amount: '40.00', idempotencyKey: key() } }, token);
    const holdId = placed.data?.internalPlaceHold.id as string;
    const transfersBefore = await countRows(h.db, 'transfers');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => h.call(CAPTURE, { input: { holdId, amount: '25.00', idempotencyKey: key() } }, token)),
    );
    const codes = responses.map((r) => (r.errors ? String(codesOf(r)[0]) : 'OK'));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'INVALID_STATE')).toHaveLength(9);
    expect(await countRows(h.db, 'transfers')).toBe(transfersBefore + 1);
    const wallet = await h.db.selectFrom('accounts').select(['balance', 'held']).where('id', '=', walletId).executeTakeFirstOrThrow();
    expect(wallet).toEqual({ balance: '7500', held: '0' });
  });
});
