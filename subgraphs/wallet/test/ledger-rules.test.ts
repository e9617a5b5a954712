import { newId } from '@platform/kernel';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { findWalletsByIds } from '../src/db/account-repository.ts';
import { postingPages } from '../src/db/transfer-repository.ts';
import { auditLedger } from '../src/domain/ledger-audit.ts';
import { SYSTEM_ACCOUNTS } from '../src/domain/system-accounts.ts';
import { countRows, key, walletTest, type LedgerHarness } from './support/fixtures.ts';

const R = (rand: number) => BigInt(Math.round(rand * 100)); // rands → minor units, for readable tests

async function fundedWallet(ctx: LedgerHarness, rands: number) {
  const organizationId = newId();
  await ctx.wallets.topUp({ organizationId, amount: R(rands), currency: 'ZAR', paymentReference: 'EFT-1', idempotencyKey: key() });
  const walletId = await ctx.wallets.requireWallet(organizationId);
  return { organizationId, walletId };
}

async function walletOf(ctx: LedgerHarness, walletId: string) {
  const [wallet] = await findWalletsByIds(ctx.db, [walletId]);
  if (!wallet) throw new Error('no wallet');
  return { balance: wallet.balance, available: wallet.balance - wallet.held, held: wallet.held };
}

const bill = (ctx: LedgerHarness, organizationId: string, rands: number, billId = newId()) =>
  ctx.wallets.payBill({ organizationId, billId, amount: R(rands), currency: 'ZAR', description: null });

describe('accounts', () => {
  walletTest('the migration creates the system accounts under the ids the domain uses', async ({ ledger: ctx }) => {
    const rows = await ctx.db.selectFrom('accounts').select(['id', 'kind']).where('organization_id', 'is', null).orderBy('id').execute();
    expect(Object.fromEntries(rows.map((r) => [r.kind, r.id]))).toEqual(SYSTEM_ACCOUNTS);
  });

  walletTest('ensureWallet creates one wallet per organisation, however often it is asked', async ({ ledger: ctx }) => {
    const organizationId = newId();
    const ids = await Promise.all(Array.from({ length: 10 }, () => ctx.wallets.ensureWallet(organizationId, 'ZAR')));
    expect(new Set(ids).size).toBe(1);
    const rows = await ctx.db.selectFrom('accounts').select('id').where('organization_id', '=', organizationId).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('postings', () => {
  walletTest('a top-up credits the wallet from external payments, recording the balance after', async ({ ledger: ctx }) => {
    const organizationId = newId();
    const posting = await ctx.wallets.topUp({ organizationId, amount: R(150.25), currency: 'ZAR', paymentReference: 'EFT-77', idempotencyKey: key() });
    expect(posting).toMatchObject({ kind: 'TOP_UP', amount: R(150.25), balanceAfter: R(150.25), reference: 'EFT-77' });
    const transfer = await ctx.db.selectFrom('transfers').selectAll().where('id', '=', posting.id).executeTakeFirstOrThrow();
    expect(transfer.debit_account_id).toBe(SYSTEM_ACCOUNTS.EXTERNAL);
    expect(transfer.debit_balance_after).toBeNull();
  });

  walletTest('a debit larger than the available amount is INSUFFICIENT_FUNDS and writes nothing', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const before = await Promise.all([countRows(ctx.db, 'transfers'), countRows(ctx.db, 'idempotency_keys'), countRows(ctx.db, 'outbox')]);
    const billId = newId();
    await expect(bill(ctx, organizationId, 100.01, billId)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    expect(await Promise.all([countRows(ctx.db, 'transfers'), countRows(ctx.db, 'idempotency_keys'), countRows(ctx.db, 'outbox')])).toEqual(before);
    expect(await walletOf(ctx, walletId)).toEqual({ balance: R(100), available: R(100), held: 0n });
    // The key was not used up by the failure: once funds arrive, the same bill goes through.
    await ctx.wallets.topUp({ organizationId, amount: R(1), currency: 'ZAR', paymentReference: 'EFT-2', idempotencyKey: key() });
    await expect(bill(ctx, organizationId, 100.01, billId)).resolves.toMatchObject({ amount: -R(100.01), balanceAfter: R(0.99) });
  });

  walletTest('a debit of exactly the available amount leaves zero', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 42);
    await bill(ctx, organizationId, 42);
    expect(await walletOf(ctx, walletId)).toEqual({ balance: 0n, available: 0n, held: 0n });
  });

  walletTest('a bill on an organisation without a wallet is NOT_FOUND naming organizationId', async ({ ledger: ctx }) => {
    await expect(bill(ctx, newId(), 1)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'organizationId' } });
  });

  walletTest('the same key with the same request returns the first result and moves money once', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const billId = newId();
    const first = await bill(ctx, organizationId, 30, billId);
    const again = await bill(ctx, organizationId, 30, billId);
    expect(again).toEqual(first);
    expect((await walletOf(ctx, walletId)).balance).toBe(R(70));
  });

  walletTest('the same key with a different request is CONFLICT and moves nothing', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const billId = newId();
    await bill(ctx, organizationId, 30, billId);
    await expect(bill(ctx, organizationId, 31, billId)).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'idempotencyKey' } });
    expect((await walletOf(ctx, walletId)).balance).toBe(R(70));
  });

  walletTest('an adjustment may take money out or put it back, linked to what it corrects', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const wrong = await bill(ctx, organizationId, 40);
    const refund = await ctx.wallets.adjust({
      organizationId,
      amount: R(40),
      currency: 'ZAR',
      reason: 'billed twice',
      correctsTransferId: wrong.id,
      idempotencyKey: key(),
    });
    expect(refund).toMatchObject({ kind: 'ADJUSTMENT', amount: R(40), balanceAfter: R(100), correctsTransferId: wrong.id, description: 'billed twice' });
    const fee = await ctx.wallets.adjust({ organizationId, amount: -R(5), currency: 'ZAR', reason: 'fee', correctsTransferId: null, idempotencyKey: key() });
    expect(fee).toMatchObject({ amount: -R(5), balanceAfter: R(95) });
    await expect(
      ctx.wallets.adjust({ organizationId, amount: -R(96), currency: 'ZAR', reason: 'too much', correctsTransferId: null, idempotencyKey: key() }),
    ).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    expect((await walletOf(ctx, walletId)).balance).toBe(R(95));
  });

  walletTest('an adjustment cannot claim to correct another wallet’s transaction', async ({ ledger: ctx }) => {
    const a = await fundedWallet(ctx, 10);
    const b = await fundedWallet(ctx, 10);
    const foreign = await bill(ctx, b.organizationId, 1);
    await expect(
      ctx.wallets.adjust({
        organizationId: a.organizationId,
        amount: R(1),
        currency: 'ZAR',
        reason: 'x',
        correctsTransferId: foreign.id,
        idempotencyKey: key(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'correctsTransactionId' } });
  });

  walletTest('commission is paid from the provider’s commission account into the wallet', async ({ ledger: ctx }) => {
    const resellerId = newId();
    const posting = await ctx.wallets.payCommission({
      resellerId,
      resellerKind: 'RESELLER',
      amount: R(12.5),
      currency: 'ZAR',
      reference: 'stmt-1',
      description: null,
      idempotencyKey: key(),
    });
    expect(posting).toMatchObject({ kind: 'COMMISSION', amount: R(12.5), balanceAfter: R(12.5) });
    const transfer = await ctx.db.selectFrom('transfers').select('debit_account_id').where('id', '=', posting.id).executeTakeFirstOrThrow();
    expect(transfer.debit_account_id).toBe(SYSTEM_ACCOUNTS.COMMISSION);
  });
});

describe('holds', () => {
  const hold = (ctx: LedgerHarness, organizationId: string, rands: number, idempotencyKey = key(), expiresInSeconds: number | null = null) =>
    ctx.wallets.placeHold({ organizationId, amount: R(rands), currency: 'ZAR', idempotencyKey, description: 'VM build', reference: 'vm-1', expiresInSeconds });

  walletTest('a hold lowers the available amount, not the balance, and is refused beyond it', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const h = await hold(ctx, organizationId, 60);
    expect(h).toMatchObject({ status: 'PENDING', amount: R(60), capturedAmount: null });
    expect(await walletOf(ctx, walletId)).toEqual({ balance: R(100), available: R(40), held: R(60) });
    await expect(hold(ctx, organizationId, 40.01)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    await expect(bill(ctx, organizationId, 40.01)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
  });

  walletTest('a partial capture posts part and releases the rest', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const h = await hold(ctx, organizationId, 60);
    const captured = await ctx.wallets.captureHold(h.id, R(45), key());
    expect(captured).toMatchObject({ status: 'CAPTURED', capturedAmount: R(45) });
    expect(await walletOf(ctx, walletId)).toEqual({ balance: R(55), available: R(55), held: 0n });
    const transfer = await ctx.db.selectFrom('transfers').selectAll().where('hold_id', '=', h.id).executeTakeFirstOrThrow();
    expect(transfer).toMatchObject({
      kind: 'HOLD_CAPTURE',
      amount: String(R(45)),
      credit_account_id: SYSTEM_ACCOUNTS.REVENUE,
      debit_balance_after: String(R(55)),
    });
  });

  walletTest('a full capture is the default', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const h = await hold(ctx, organizationId, 60);
    expect(await ctx.wallets.captureHold(h.id, null, key())).toMatchObject({ capturedAmount: R(60) });
    expect(await walletOf(ctx, walletId)).toEqual({ balance: R(40), available: R(40), held: 0n });
  });

  walletTest('capturing more than was held is BAD_USER_INPUT naming amount, and the hold stays open', async ({ ledger: ctx }) => {
    const { organizationId } = await fundedWallet(ctx, 100);
    const h = await hold(ctx, organizationId, 60);
    await expect(ctx.wallets.captureHold(h.id, R(60.01), key())).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'amount' } });
    await expect(ctx.wallets.captureHold(h.id, R(60), key())).resolves.toMatchObject({ status: 'CAPTURED' });
  });

  walletTest('a hold is resolved once: no second capture, no release after capture, no capture after release', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const a = await hold(ctx, organizationId, 10);
    const captureKey = key();
    const first = await ctx.wallets.captureHold(a.id, null, captureKey);
    await expect(ctx.wallets.captureHold(a.id, null, captureKey)).resolves.toEqual(first); // a retry
    await expect(ctx.wallets.captureHold(a.id, null, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    await expect(ctx.wallets.releaseHold(a.id, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    const b = await hold(ctx, organizationId, 10);
    await ctx.wallets.releaseHold(b.id, key());
    await expect(ctx.wallets.captureHold(b.id, null, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    expect(await walletOf(ctx, walletId)).toEqual({ balance: R(90), available: R(90), held: 0n });
  });

  walletTest('an unknown hold is NOT_FOUND naming holdId', async ({ ledger: ctx }) => {
    await expect(ctx.wallets.captureHold(newId(), null, key())).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'holdId' } });
  });

  walletTest('holds that expire give their funds back; an expired hold cannot be captured even before the sweep', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const short = await hold(ctx, organizationId, 30, key(), 60);
    const long = await hold(ctx, organizationId, 20, key(), 7200);
    ctx.clock.advance(61);
    await expect(ctx.wallets.captureHold(short.id, null, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    expect(await ctx.ledger.expireHolds(ctx.clock.now())).toBeGreaterThanOrEqual(1);
    const [expired] = await ctx.db.selectFrom('holds').select(['status', 'resolved_at']).where('id', '=', short.id).execute();
    expect(expired?.status).toBe('EXPIRED');
    expect(await walletOf(ctx, walletId)).toEqual({ balance: R(100), available: R(80), held: R(20) });
    await expect(ctx.wallets.captureHold(long.id, null, key())).resolves.toMatchObject({ status: 'CAPTURED' });
  });

  walletTest('the same hold key with the same request returns the same hold; with another amount, CONFLICT', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const k = key();
    const first = await hold(ctx, organizationId, 25, k);
    expect(await hold(ctx, organizationId, 25, k)).toEqual(first);
    await expect(hold(ctx, organizationId, 26, k)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect((await walletOf(ctx, walletId)).held).toBe(R(25));
  });
});

describe('what the database itself refuses', () => {
  walletTest('the journal is append-only: update, delete and truncate are refused', async ({ ledger: ctx }) => {
    const { organizationId } = await fundedWallet(ctx, 10);
    const posting = await bill(ctx, organizationId, 1);
    await expect(sql`update transfers set amount = 1 where id = ${posting.id}`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from transfers where id = ${posting.id}`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate transfers cascade`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(
      sql`insert into transfers (id, kind, debit_account_id, credit_account_id, amount, currency) values (${newId()}, 'TRANSFER', ${SYSTEM_ACCOUNTS.REVENUE}, ${SYSTEM_ACCOUNTS.EXTERNAL}, 0, 'ZAR')`.execute(
        ctx.db,
      ),
    ).rejects.toThrow(/check/);
  });

  walletTest('a resolved hold cannot be changed again', async ({ ledger: ctx }) => {
    const { organizationId } = await fundedWallet(ctx, 10);
    const h = await ctx.wallets.placeHold({
      organizationId,
      amount: R(1),
      currency: 'ZAR',
      idempotencyKey: key(),
      description: null,
      reference: null,
      expiresInSeconds: null,
    });
    await ctx.wallets.releaseHold(h.id, key());
    await expect(sql`update holds set status = 'PENDING', resolved_at = null where id = ${h.id}`.execute(ctx.db)).rejects.toThrow(/already RELEASED/);
  });

  walletTest('a wallet balance or available amount below zero is refused by CHECK constraints', async ({ ledger: ctx }) => {
    const { walletId } = await fundedWallet(ctx, 10);
    await expect(sql`update accounts set balance = -1 where id = ${walletId}`.execute(ctx.db)).rejects.toThrow(/accounts_wallet_(balance|available)_floor/);
    await expect(sql`update accounts set held = 1001 where id = ${walletId}`.execute(ctx.db)).rejects.toThrow(/accounts_wallet_available_floor/);
    await expect(sql`update accounts set balance = 5 where id = ${SYSTEM_ACCOUNTS.REVENUE}`.execute(ctx.db)).rejects.toThrow(
      /accounts_system_balance_from_journal/,
    );
  });

  walletTest('a credit limit lowers the floor, and no further', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 10);
    await sql`update accounts set credit_limit = ${String(R(50))} where id = ${walletId}`.execute(ctx.db);
    await expect(bill(ctx, organizationId, 60)).resolves.toMatchObject({ balanceAfter: -R(50) });
    await expect(bill(ctx, organizationId, 0.01)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    expect((await walletOf(ctx, walletId)).balance).toBe(-R(50));
  });
});

describe('statements and events', () => {
  walletTest('transactions list newest first across both sides of the journal, with paging and filters', async ({ ledger: ctx }) => {
    const { organizationId, walletId } = await fundedWallet(ctx, 100);
    const h = await ctx.wallets.placeHold({
      organizationId,
      amount: R(10),
      currency: 'ZAR',
      idempotencyKey: key(),
      description: null,
      reference: null,
      expiresInSeconds: null,
    });
    await ctx.wallets.captureHold(h.id, R(7), key());
    await bill(ctx, organizationId, 3);
    await ctx.wallets.topUp({ organizationId, amount: R(5), currency: 'ZAR', paymentReference: 'EFT-9', idempotencyKey: key() });
    const postings = async (after: string | null, filter = {}, fetch = 11) =>
      (await postingPages(ctx.db, [walletId], { fetch, after, filter })).get(walletId) ?? [];
    const all = await postings(null);
    expect(all.map((p) => [p.kind, p.amount, p.balanceAfter])).toEqual([
      ['TOP_UP', R(5), R(95)],
      ['BILL_PAYMENT', -R(3), R(90)],
      ['HOLD_CAPTURE', -R(7), R(93)],
      ['TOP_UP', R(100), R(100)],
    ]);
    const second = await postings(all[1]?.id ?? null, {}, 3);
    expect(second.map((p) => p.kind)).toEqual(['HOLD_CAPTURE', 'TOP_UP']);
    const topUps = await postings(null, { kinds: ['TOP_UP'] });
    expect(topUps).toHaveLength(2);
    const future = await postings(null, { since: new Date(Date.now() + 60_000) });
    expect(future).toHaveLength(0);
  });

  walletTest(
    'crossing below the low-balance threshold writes one wallet.low_balance event; placing a hold writes wallet.hold_placed',
    async ({ ledger: ctx }) => {
      const { organizationId, walletId } = await fundedWallet(ctx, 100);
      await ctx.wallets.setLowBalanceThreshold(organizationId, 'ZAR', R(50));
      const events = () =>
        ctx.db
          .selectFrom('outbox')
          .select(['topic', 'payload'])
          .where(sql<boolean>`payload->>'walletId' = ${walletId}`)
          .orderBy('id')
          .execute();
      await bill(ctx, organizationId, 40); // 60 left: above
      expect(await events()).toEqual([]);
      await ctx.wallets.placeHold({
        organizationId,
        amount: R(20),
        currency: 'ZAR',
        idempotencyKey: key(),
        description: null,
        reference: 'vm-9',
        expiresInSeconds: null,
      }); // 40: crosses
      await bill(ctx, organizationId, 10); // 30: already below
      const written = await events();
      expect(written.map((e) => e.topic)).toEqual(['wallet.low_balance', 'wallet.hold_placed']);
      expect(written[0]?.payload).toMatchObject({
        organizationId,
        available: { amountMinor: '4000', currency: 'ZAR' },
        threshold: { amountMinor: '5000', currency: 'ZAR' },
      });
      expect(written[1]?.payload).toMatchObject({ organizationId, amount: { amountMinor: '2000', currency: 'ZAR' }, reference: 'vm-9' });
    },
  );

  walletTest('after all of the above, every balance equals its journal and the journal sums to zero', async ({ ledger: ctx }) => {
    const audit = await auditLedger(ctx.db);
    expect(audit.wallets.length).toBeGreaterThan(20);
    expect(audit).toMatchObject({ journalTotal: 0n, mismatched: [], belowFloor: [], ok: true });
  });
});
