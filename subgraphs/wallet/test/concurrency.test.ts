import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '@platform/kernel';
import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { describe, expect, vi } from 'vitest';
import type { Hold } from '../src/domain/hold.ts';
import { auditLedger } from '../src/domain/ledger-audit.ts';
import { countRows, key, walletTest, type WalletHarness } from './support/fixtures.ts';

// A thousand concurrent postings with an audit per snapshot: on a loaded 2-core machine it outgrows 30 s.
vi.setConfig({ testTimeout: 120_000 });

// 20 connections, so 20 transactions race at every moment.
const test = walletTest.extend({ walletEnv: [{ DATABASE_POOL_SIZE: '20' }, { scope: 'file' }] });

/** A small seeded generator (mulberry32). */
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

/** One operation of the storm, drawn before the storm starts. */
type Planned =
  | { readonly kind: 'transfer'; readonly from: number; readonly to: number; readonly amount: bigint }
  /** A hold on a live (1 h) hold, then captured: in full (part null) or in part. */
  | { readonly kind: 'capture'; readonly from: number; readonly to: number; readonly amount: bigint; readonly part: bigint | null }
  /** A hold on a live hold, then released. */
  | { readonly kind: 'release'; readonly from: number; readonly to: number; readonly amount: bigint }
  /** A 20 ms hold, left to expire; once it has, a capture is tried and must be refused. */
  | { readonly kind: 'expire'; readonly from: number; readonly to: number; readonly amount: bigint };

/**
 * The whole schedule, drawn up front from the seed, so a failing run replays the same 1,000
 * operations (who pays whom, how much, what is done with each hold). The interleaving of the
 * workers running them is the scheduler's and is not replayed.
 */
function drawSchedule(seed: number, count: number): Planned[] {
  const rng = random(seed);
  return Array.from({ length: count }, (): Planned => {
    const from = rng.int(0, 9);
    const to = (from + rng.int(1, 9)) % 10;
    const amount = BigInt(rng.int(1, 40_000));
    const roll = rng.next();
    if (roll < 0.5) return { kind: 'transfer', from, to, amount };
    if (roll < 0.75) {
      const partial = rng.next() < 0.5;
      return { kind: 'capture', from, to, amount, part: partial ? BigInt(rng.int(1, Number(amount))) : null };
    }
    if (roll < 0.9) return { kind: 'release', from, to, amount };
    return { kind: 'expire', from, to, amount };
  });
}

/** Which step of an operation an outcome belongs to. */
type Step = 'transfer' | 'place live hold' | 'place expiring hold' | 'capture live hold' | 'release live hold' | 'capture expired hold';

describe('the bank test', () => {
  test('1,000 concurrent random transfers, holds, captures and releases across 10 wallets: money constant, never below zero, every snapshot balanced against its journal; live holds always resolve, expired ones are refused', async ({
    wallet: h,
  }) => {
    const SEED = 20261122;
    const wallets = h.subgraph.wallets;
    const ledger = wallets.ledger;
    const orgs = Array.from({ length: 10 }, () => newId());
    const ids: string[] = [];
    for (const organizationId of orgs) {
      await wallets.topUp({ organizationId, amount: 100_000n, currency: 'ZAR', paymentReference: 'seed', idempotencyKey: key() });
      ids.push(await wallets.requireWallet(organizationId));
    }
    const schedule = drawSchedule(SEED, 1000);
    const planned = (kind: Planned['kind']) => schedule.filter((op) => op.kind === kind).length;
    // The draw itself (a changed generator would silently change what is tested).
    expect([planned('transfer'), planned('capture'), planned('release'), planned('expire')].reduce((a, b) => a + b)).toBe(1000);
    expect(planned('transfer')).toBeGreaterThan(400);
    expect(planned('capture')).toBeGreaterThan(200);
    expect(planned('release')).toBeGreaterThan(100);
    expect(planned('expire')).toBeGreaterThan(50);

    /** Every step's outcome: 'OK' or the error code, by step. */
    const outcomes: { step: Step; outcome: string }[] = [];
    const record = async <T>(step: Step, work: () => Promise<T>): Promise<T | undefined> => {
      try {
        const value = await work();
        outcomes.push({ step, outcome: 'OK' });
        return value;
      } catch (error) {
        outcomes.push({ step, outcome: codeOf(error) });
        return undefined;
      }
    };
    const idem = (scope: string) => ({ scope, key: key(), request: {} });

    const run = async (op: Planned): Promise<void> => {
      const from = ids[op.from] as string;
      const to = ids[op.to] as string;
      if (op.kind === 'transfer') {
        await record('transfer', () =>
          ledger.transfer({ kind: 'TRANSFER', debitAccountId: from, creditAccountId: to, amount: op.amount, currency: 'ZAR', idempotency: idem(`t:${from}`) }),
        );
        return;
      }
      // Holds pay another of the ten wallets when captured, so the ten wallets' total stays what it was.
      const live = op.kind !== 'expire';
      const expiresAt = new Date(h.clock.now().getTime() + (live ? 3_600_000 : 20));
      const hold: Hold | undefined = await record(live ? 'place live hold' : 'place expiring hold', () =>
        ledger.placeHold({ walletId: from, creditAccountId: to, amount: op.amount, currency: 'ZAR', expiresAt, idempotency: idem(`h:${from}`) }),
      );
      if (!hold) return;
      if (op.kind === 'capture') {
        await record('capture live hold', () => ledger.captureHold({ holdId: hold.id, amount: op.part, idempotency: idem(`c:${hold.id}`) }));
      } else if (op.kind === 'release') {
        await record('release live hold', () => ledger.releaseHold({ holdId: hold.id, idempotency: idem(`r:${hold.id}`) }));
      } else {
        while (h.clock.now().getTime() <= expiresAt.getTime() + 5) await sleep(10);
        await record('capture expired hold', () => ledger.captureHold({ holdId: hold.id, amount: null, idempotency: idem(`c:${hold.id}`) }));
      }
    };

    // While the storm runs, read the ten wallets over and over, each time in ONE repeatable-read snapshot:
    // the totals and the full audit (balance = journal, held = open holds) of the same committed state.
    let storming = true;
    const violations: string[] = [];
    let samples = 0;
    const sampler = (async () => {
      while (storming) {
        const { row, audit } = await h.db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute(async (trx) => {
            const row = await trx
              .selectFrom('accounts')
              .select([
                sql<string>`sum(balance)`.as('total'),
                sql<string>`min(balance)`.as('min_balance'),
                sql<string>`min(balance - held)`.as('min_available'),
              ])
              .where('id', 'in', ids)
              .executeTakeFirstOrThrow();
            return { row, audit: await auditLedger(trx) };
          });
        samples += 1;
        const at = `sample ${samples}`;
        if (BigInt(row.total) !== 1_000_000n) violations.push(`${at}: the ten wallets hold ${row.total}, not 1000000`);
        if (BigInt(row.min_balance) < 0n) violations.push(`${at}: a balance of ${row.min_balance}`);
        if (BigInt(row.min_available) < 0n) violations.push(`${at}: an available amount of ${row.min_available}`);
        if (audit.mismatched.length > 0) violations.push(`${at}: mismatched ${audit.mismatched.join(', ')}`);
        if (audit.belowFloor.length > 0) violations.push(`${at}: below floor ${audit.belowFloor.join(', ')}`);
        const ours = audit.wallets.filter((w) => ids.includes(w.walletId));
        if (ours.length !== 10) violations.push(`${at}: ${ours.length} of the ten wallets in the audit`);
        for (const w of ours) {
          if (w.balance !== w.journal) violations.push(`${at}: wallet ${w.walletId} balance ${w.balance} but journal ${w.journal}`);
          if (w.held !== w.openHolds) violations.push(`${at}: wallet ${w.walletId} held ${w.held} but open holds ${w.openHolds}`);
        }
        const journalOfOurs = ours.reduce((sum, w) => sum + w.journal, 0n);
        if (journalOfOurs !== 1_000_000n) violations.push(`${at}: the ten wallets' journals sum to ${journalOfOurs}, not 1000000`);
        if (samples % 5 === 0) await ledger.expireHolds(h.clock.now()); // the sweeper, racing the storm
        await sleep(10);
      }
    })();

    // 1,000 operations, 100 in flight: the pool (20 connections) keeps 20 transactions racing at every moment.
    let next = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next < schedule.length) {
          const op = schedule[next] as Planned;
          next += 1;
          await run(op);
        }
      }),
    );
    storming = false;
    await sampler;
    await ledger.expireHolds(new Date(h.clock.now().getTime() + 60_000));

    const tally = (step: Step) => {
      const byOutcome: Record<string, number> = {};
      for (const o of outcomes) if (o.step === step) byOutcome[o.outcome] = (byOutcome[o.outcome] ?? 0) + 1;
      return byOutcome;
    };
    const ok = (step: Step) => tally(step)['OK'] ?? 0;
    const refusedOtherwise = (step: Step, allowed: string[]) => Object.keys(tally(step)).filter((o) => !allowed.includes(o));
    // Transfers and holds may be refused for want of funds, and for nothing else.
    expect(refusedOtherwise('transfer', ['OK', 'INSUFFICIENT_FUNDS'])).toEqual([]);
    expect(refusedOtherwise('place live hold', ['OK', 'INSUFFICIENT_FUNDS'])).toEqual([]);
    expect(refusedOtherwise('place expiring hold', ['OK', 'INSUFFICIENT_FUNDS'])).toEqual([]);
    // A live hold is always captured or released: no refusal of any kind.
    expect(tally('capture live hold'), 'capture live hold').toEqual({ OK: ok('capture live hold') });
    expect(tally('release live hold'), 'release live hold').toEqual({ OK: ok('release live hold') });
    expect(ok('capture live hold') + ok('release live hold')).toBe(ok('place live hold'));
    // Only holds meant to expire are refused, every one of them, as INVALID_STATE.
    expect(tally('capture expired hold')).toEqual({ INVALID_STATE: ok('place expiring hold') });
    // The storm did what it is for.
    expect(ok('transfer')).toBeGreaterThan(100);
    expect(ok('capture live hold')).toBeGreaterThan(50);
    expect(ok('release live hold')).toBeGreaterThan(25);
    expect(ok('place expiring hold')).toBeGreaterThan(10);
    expect(tally('transfer')['INSUFFICIENT_FUNDS'] ?? 0).toBeGreaterThan(0); // the storm did push wallets to their floor

    expect(samples).toBeGreaterThan(2);
    expect(violations).toEqual([]);

    // The end state, from the rows: every hold resolved the way its operation said.
    const holds = await h.db
      .selectFrom('holds')
      .select(['status', sql<string>`count(*)`.as('n')])
      .where('wallet_id', 'in', ids)
      .groupBy('status')
      .execute();
    expect(Object.fromEntries(holds.map((r) => [r.status, Number(r.n)]))).toEqual({
      CAPTURED: ok('capture live hold'),
      RELEASED: ok('release live hold'),
      EXPIRED: ok('place expiring hold'),
    });
    const captures = await h.db
      .selectFrom('transfers')
      .select(sql<string>`count(*)`.as('n'))
      .where('kind', '=', 'HOLD_CAPTURE')
      .where('debit_account_id', 'in', ids)
      .executeTakeFirstOrThrow();
    expect(Number(captures.n)).toBe(ok('capture live hold'));
    const audit = await auditLedger(h.db);
    expect(audit).toMatchObject({ mismatched: [], belowFloor: [] });
    const ours = audit.wallets.filter((w) => ids.includes(w.walletId));
    expect(ours).toHaveLength(10);
    expect(ours.reduce((sum, w) => sum + w.balance, 0n)).toBe(1_000_000n);
    expect(ours.reduce((sum, w) => sum + w.journal, 0n)).toBe(1_000_000n);
    for (const w of ours) {
      expect(w.balance).toBe(w.journal);
      expect(w.held).toBe(0n); // everything left open has expired
      expect(w.openHolds).toBe(0n);
      expect(w.available).toBeGreaterThanOrEqual(0n);
    }
  });
});

const DEBIT = `mutation($input: DebitForBillInput!) { internalDebitForBill(input: $input) { id kind amount { amount currency } balanceAfter { amount } reference createdAt } }`;
const HOLD = `mutation($input: PlaceHoldInput!) { internalPlaceHold(input: $input) { id status amount { amount } expiresAt createdAt } }`;
const CAPTURE = `mutation($input: CaptureHoldInput!) { internalCaptureHold(input: $input) { id status capturedAmount { amount } } }`;

async function fundedOrg(h: WalletHarness, amount: string) {
  const organizationId = newId();
  await h.subgraph.wallets.topUp({
    organizationId,
    amount: BigInt(Math.round(Number(amount) * 100)),
    currency: 'ZAR',
    paymentReference: 'seed',
    idempotencyKey: key(),
  });
  return { organizationId, walletId: await h.subgraph.wallets.requireWallet(organizationId) };
}

describe('races over HTTP', () => {
  test('200 concurrent debits against a wallet that can afford exactly 50: 50 succeed, 150 get INSUFFICIENT_FUNDS', async ({ wallet: h }) => {
    const { organizationId, walletId } = await fundedOrg(h, '50.00');
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

  test('one idempotency key fired 20 times at once: one posting, 20 identical answers', async ({ wallet: h }) => {
    const { organizationId, walletId } = await fundedOrg(h, '100.00');
    const token = await h.service('wallet:debit');
    const input = { organizationId, billId: newId(), amount: '12.34' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.call(DEBIT, { input }, token)));
    expect(responses.every((r) => !r.errors)).toBe(true);
    for (const r of responses) expect(r.data).toEqual(responses[0]?.data);
    expect(responses[0]?.data?.internalDebitForBill).toMatchObject({ amount: { amount: '-12.34' }, balanceAfter: { amount: '87.66' } });
    const debits = await h.db.selectFrom('transfers').select('id').where('debit_account_id', '=', walletId).execute();
    expect(debits).toHaveLength(1);
  });

  test('one hold key fired 20 times at once: one hold, held once, 20 identical answers', async ({ wallet: h }) => {
    const { organizationId, walletId } = await fundedOrg(h, '100.00');
    const token = await h.service('wallet:hold');
    const input = { organizationId, amount: '30.00', idempotencyKey: key() };
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.call(HOLD, { input }, token)));
    expect(responses.every((r) => !r.errors)).toBe(true);
    for (const r of responses) expect(r.data).toEqual(responses[0]?.data);
    const wallet = await h.db.selectFrom('accounts').select(['balance', 'held']).where('id', '=', walletId).executeTakeFirstOrThrow();
    expect(wallet).toEqual({ balance: '10000', held: '3000' });
    expect(await h.db.selectFrom('holds').select('id').where('wallet_id', '=', walletId).execute()).toHaveLength(1);
  });

  test('a hold cannot be captured twice, even by 10 concurrent captures with different keys', async ({ wallet: h }) => {
    const { organizationId, walletId } = await fundedOrg(h, '100.00');
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
