import { newId } from '@platform/kernel';
import { dropTestDatabases } from '@platform/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACCOUNTS } from '../src/domain/system-accounts.ts';
import { auditLedger } from '../src/domain/ledger-audit.ts';
import { countRows, key, openLedger } from './support.ts';

let ctx: Awaited<ReturnType<typeof openLedger>>;

beforeAll(async () => {
  ctx = await openLedger('wallet_rules');
});

afterAll(async () => {
  await ctx?.close();
  await dropTestDatabases();
});

const R = (rand: number) => BigInt(Math.round(rand * 100)); // rands → minor units, for readable tests

async function fundedWallet(rands: number) {
  const organizationId = newId();
  await ctx.wallets.topUp({ organizationId, amount: R(rands), currency: 'ZAR', paymentReference: 'EFT-1', idempotencyKey: key() });
  const walletId = await ctx.wallets.requireWallet(organizationId);
  return { organizationId, walletId };
}

async function walletOf(walletId: string) {
  const [wallet] = await ctx.wallets.walletsByIds([walletId]);
  if (!wallet) throw new Error('no wallet');
  return { balance: wallet.balance, available: wallet.balance - wallet.held, held: wallet.held };
}

const bill = (organizationId: string, rands: number, billId = newId()) =>
  ctx.wallets.payBill({ organizationId, billId, amount: R(rands), currency: 'ZAR', description: null });

describe('accounts', () => {
  it('the migration creates the system accounts under the ids the domain uses', async () => {
    const rows = await ctx.db.selectFrom('accounts').select(['id', 'kind']).where('organization_id', 'is', null).orderBy('id').execute();
    expect(Object.fromEntries(rows.map((r) => [r.kind, r.id]))).toEqual(SYSTEM_ACCOUNTS);
  });

  it('ensureWallet creates one wallet per organisation, however often it is asked', async () => {
    const organizationId = newId();
    const ids = await Promise.all(Array.from({ length: 10 }, () => ctx.wallets.ensureWallet(organizationId, 'ZAR')));
    expect(new Set(ids).size).toBe(1);
    const rows = await ctx.db.selectFrom('accounts').select('id').where('organization_id', '=', organizationId).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('postings', () => {
  it('a top-up credits the wallet from external payments, recording the balance after', async () => {
    const organizationId = newId();
    const posting = await ctx.wallets.topUp({ organizationId, amount: R(150.25), currency: 'ZAR', paymentReference: 'EFT-77', idempotencyKey: key() });
    expect(posting).toMatchObject({ kind: 'TOP_UP', amount: R(150.25), balanceAfter: R(150.25), reference: 'EFT-77' });
    const transfer = await ctx.db.selectFrom('transfers').selectAll().where('id', '=', posting.id).executeTakeFirstOrThrow();
    expect(transfer.debit_account_id).toBe(SYSTEM_ACCOUNTS.EXTERNAL);
    expect(transfer.debit_balance_after).toBeNull();
  });

  it('a debit larger than the available amount is INSUFFICIENT_FUNDS and writes nothing', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const before = await Promise.all([countRows(ctx.db, 'transfers'), countRows(ctx.db, 'idempotency_keys'), countRows(ctx.db, 'outbox')]);
    const billId = newId();
    await expect(bill(organizationId, 100.01, billId)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    expect(await Promise.all([countRows(ctx.db, 'transfers'), countRows(ctx.db, 'idempotency_keys'), countRows(ctx.db, 'outbox')])).toEqual(before);
    expect(await walletOf(walletId)).toEqual({ balance: R(100), available: R(100), held: 0n });
    // The key was not used up by the failure: once funds arrive, the same bill goes through.
    await ctx.wallets.topUp({ organizationId, amount: R(1), currency: 'ZAR', paymentReference: 'EFT-2', idempotencyKey: key() });
    await expect(bill(organizationId, 100.01, billId)).resolves.toMatchObject({ amount: -R(100.01), balanceAfter: R(0.99) });
  });

  it('a debit of exactly the available amount leaves zero', async () => {
    const { organizationId, walletId } = await fundedWallet(42);
    await bill(organizationId, 42);
    expect(await walletOf(walletId)).toEqual({ balance: 0n, available: 0n, held: 0n });
  });

  it('a bill on an organisation without a wallet is NOT_FOUND naming organizationId', async () => {
    await expect(bill(newId(), 1)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'organizationId' } });
  });

  it('the same key with the same request returns the first result and moves money once', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const billId = newId();
    const first = await bill(organizationId, 30, billId);
    const again = await bill(organizationId, 30, billId);
    expect(again).toEqual(first);
    expect((await walletOf(walletId)).balance).toBe(R(70));
  });

  it('the same key with a different request is CONFLICT and moves nothing', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const billId = newId();
    await bill(organizationId, 30, billId);
    await expect(bill(organizationId, 31, billId)).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'idempotencyKey' } });
    expect((await walletOf(walletId)).balance).toBe(R(70));
  });

  it('an adjustment may take money out or put it back, linked to what it corrects', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const wrong = await bill(organizationId, 40);
    const refund = await ctx.wallets.adjust({
      organizationId, amount: R(40), currency: 'ZAR', reason: 'billed twice', correctsTransferId: wrong.id, idempotencyKey: key(),
    });
    expect(refund).toMatchObject({ kind: 'ADJUSTMENT', amount: R(40), balanceAfter: R(100), correctsTransferId: wrong.id, description: 'billed twice' });
    const fee = await ctx.wallets.adjust({ organizationId, amount: -R(5), currency: 'ZAR', reason: 'fee', correctsTransferId: null, idempotencyKey: key() });
    expect(fee).toMatchObject({ amount: -R(5), balanceAfter: R(95) });
    await expect(
      ctx.wallets.adjust({ organizationId, amount: -R(96), currency: 'ZAR', reason: 'too much', correctsTransferId: null, idempotencyKey: key() }),
    ).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    expect((await walletOf(walletId)).balance).toBe(R(95));
  });

  it('an adjustment cannot claim to correct another wallet’s transaction', async () => {
    const a = await fundedWallet(10);
    const b = await fundedWallet(10);
    const foreign = await bill(b.organizationId, 1);
    await expect(
      ctx.wallets.adjust({ organizationId: a.organizationId, amount: R(1), currency: 'ZAR', reason: 'x', correctsTransferId: foreign.id, idempotencyKey: key() }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'correctsTransactionId' } });
  });

  it('commission is paid from the provider’s commission account into the wallet', async () => {
    const resellerId = newId();
    const posting = await ctx.wallets.payCommission({ resellerId, amount: R(12.5), currency: 'ZAR', reference: 'stmt-1', description: null, idempotencyKey: key() });
    expect(posting).toMatchObject({ kind: 'COMMISSION', amount: R(12.5), balanceAfter: R(12.5) });
    const transfer = await ctx.db.selectFrom('transfers').select('debit_account_id').where('id', '=', posting.id).executeTakeFirstOrThrow();
    expect(transfer.debit_account_id).toBe(SYSTEM_ACCOUNTS.COMMISSION);
  });
});

describe('holds', () => {
  const hold = (organizationId: string, rands: number, idempotencyKey = key(), expiresInSeconds: number | null = null) =>
    ctx.wallets.placeHold({ organizationId, amount: R(rands), currency: 'ZAR', idempotencyKey, description: 'VM build', reference: 'vm-1', expiresInSeconds });

  it('a hold lowers the available amount, not the balance, and is refused beyond it', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const h = await hold(organizationId, 60);
    expect(h).toMatchObject({ status: 'PENDING', amount: R(60), capturedAmount: null });
    expect(await walletOf(walletId)).toEqual({ balance: R(100), available: R(40), held: R(60) });
    await expect(hold(organizationId, 40.01)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    await expect(bill(organizationId, 40.01)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
  });

  it('a partial capture posts part and releases the rest', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const h = await hold(organizationId, 60);
    const captured = await ctx.wallets.captureHold(h.id, R(45), key());
    expect(captured).toMatchObject({ status: 'CAPTURED', capturedAmount: R(45) });
    expect(await walletOf(walletId)).toEqual({ balance: R(55), available: R(55), held: 0n });
    const transfer = await ctx.db.selectFrom('transfers').selectAll().where('hold_id', '=', h.id).executeTakeFirstOrThrow();
    expect(transfer).toMatchObject({ kind: 'HOLD_CAPTURE', amount: String(R(45)), credit_account_id: SYSTEM_ACCOUNTS.REVENUE, debit_balance_after: String(R(55)) });
  });

  it('a full capture is the default', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const h = await hold(organizationId, 60);
    expect(await ctx.wallets.captureHold(h.id, null, key())).toMatchObject({ capturedAmount: R(60) });
    expect(await walletOf(walletId)).toEqual({ balance: R(40), available: R(40), held: 0n });
  });

  it('capturing more than was held is BAD_USER_INPUT naming amount, and the hold stays open', async () => {
    const { organizationId } = await fundedWallet(100);
    const h = await hold(organizationId, 60);
    await expect(ctx.wallets.captureHold(h.id, R(60.01), key())).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'amount' } });
    await expect(ctx.wallets.captureHold(h.id, R(60), key())).resolves.toMatchObject({ status: 'CAPTURED' });
  });

  it('a hold is resolved once: no second capture, no release after capture, no capture after release', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const a = await hold(organizationId, 10);
    const captureKey = key();
    const first = await ctx.wallets.captureHold(a.id, null, captureKey);
    await expect(ctx.wallets.captureHold(a.id, null, captureKey)).resolves.toEqual(first); // a retry
    await expect(ctx.wallets.captureHold(a.id, null, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    await expect(ctx.wallets.releaseHold(a.id, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    const b = await hold(organizationId, 10);
    await ctx.wallets.releaseHold(b.id, key());
    await expect(ctx.wallets.captureHold(b.id, null, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    expect(await walletOf(walletId)).toEqual({ balance: R(90), available: R(90), held: 0n });
  });

  it('an unknown hold is NOT_FOUND naming holdId', async () => {
    await expect(ctx.wallets.captureHold(newId(), null, key())).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'holdId' } });
  });

  it('holds that expire give their funds back; an expired hold cannot be captured even before the sweep', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const short = await hold(organizationId, 30, key(), 60);
    const long = await hold(organizationId, 20, key(), 7200);
    ctx.clock.advance(61);
    await expect(ctx.wallets.captureHold(short.id, null, key())).rejects.toMatchObject({ extensions: { code: 'INVALID_STATE' } });
    expect(await ctx.ledger.expireHolds(ctx.clock.now())).toBeGreaterThanOrEqual(1);
    const [expired] = await ctx.db.selectFrom('holds').select(['status', 'resolved_at']).where('id', '=', short.id).execute();
    expect(expired?.status).toBe('EXPIRED');
    expect(await walletOf(walletId)).toEqual({ balance: R(100), available: R(80), held: R(20) });
    await expect(ctx.wallets.captureHold(long.id, null, key())).resolves.toMatchObject({ status: 'CAPTURED' });
  });

  it('the same hold key with the same request returns the same hold; with another amount, CONFLICT', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const k = key();
    const first = await hold(organizationId, 25, k);
    expect(await hold(organizationId, 25, k)).toEqual(first);
    await expect(hold(organizationId, 26, k)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect((await walletOf(walletId)).held).toBe(R(25));
  });
});

describe('what the database itself refuses', () => {
  it('the journal is append-only: update, delete and truncate are refused', async () => {
    const { organizationId } = await fundedWallet(10);
    const posting = await bill(organizationId, 1);
    await expect(sql`update transfers set amount = 1 where id = ${posting.id}`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from transfers where id = ${posting.id}`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate transfers cascade`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`insert into transfers (id, kind, debit_account_id, credit_account_id, amount, currency) values (${newId()}, 'TRANSFER', ${SYSTEM_ACCOUNTS.REVENUE}, ${SYSTEM_ACCOUNTS.EXTERNAL}, 0, 'ZAR')`.execute(ctx.db)).rejects.toThrow(/check/);
  });

  it('a resolved hold cannot be changed again', async () => {
    const { organizationId } = await fundedWallet(10);
    const h = await ctx.wallets.placeHold({ organizationId, amount: R(1), currency: 'ZAR', idempotencyKey: key(), description: null, reference: null, expiresInSeconds: null });
    await ctx.wallets.releaseHold(h.id, key());
    await expect(sql`update holds set status = 'PENDING', resolved_at = null where id = ${h.id}`.execute(ctx.db)).rejects.toThrow(/already RELEASED/);
  });

  it('a wallet balance or available amount below zero is refused by CHECK constraints', async () => {
    const { walletId } = await fundedWallet(10);
    await expect(sql`update accounts set balance = -1 where id = ${walletId}`.execute(ctx.db)).rejects.toThrow(/accounts_wallet_(balance|available)_floor/);
    await expect(sql`update accounts set held = 1001 where id = ${walletId}`.execute(ctx.db)).rejects.toThrow(/accounts_wallet_available_floor/);
    await expect(sql`update accounts set balance = 5 where id = ${SYSTEM_ACCOUNTS.REVENUE}`.execute(ctx.db)).rejects.toThrow(/accounts_system_balance_from_journal/);
  });

  it('a credit limit lowers the floor, and no further', async () => {
    const { organizationId, walletId } = await fundedWallet(10);
    await sql`update accounts set credit_limit = ${String(R(50))} where id = ${walletId}`.execute(ctx.db);
    await expect(bill(organizationId, 60)).resolves.toMatchObject({ balanceAfter: -R(50) });
    await expect(bill(organizationId, 0.01)).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_FUNDS' } });
    expect((await walletOf(walletId)).balance).toBe(-R(50));
  });
});

describe('statements and events', () => {
  it('transactions list newest first across both sides of the journal, with paging and filters', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    const h = await ctx.wallets.placeHold({ organizationId, amount: R(10), currency: 'ZAR', idempotencyKey: key(), description: null, reference: null, expiresInSeconds: null });
    await ctx.wallets.captureHold(h.id, R(7), key());
    await bill(organizationId, 3);
    await ctx.wallets.topUp({ organizationId, amount: R(5), currency: 'ZAR', paymentReference: 'EFT-9', idempotencyKey: key() });
    const all = await ctx.wallets.postings(walletId, { size: 10, fetch: 11, after: null }, {});
    expect(all.map((p) => [p.kind, p.amount, p.balanceAfter])).toEqual([
      ['TOP_UP', R(5), R(95)],
      ['BILL_PAYMENT', -R(3), R(90)],
      ['HOLD_CAPTURE', -R(7), R(93)],
      ['TOP_UP', R(100), R(100)],
    ]);
    const second = await ctx.wallets.postings(walletId, { size: 2, fetch: 3, after: all[1]?.id ?? null }, {});
    expect(second.map((p) => p.kind)).toEqual(['HOLD_CAPTURE', 'TOP_UP']);
    const topUps = await ctx.wallets.postings(walletId, { size: 10, fetch: 11, after: null }, { kinds: ['TOP_UP'] });
    expect(topUps).toHaveLength(2);
    const future = await ctx.wallets.postings(walletId, { size: 10, fetch: 11, after: null }, { since: new Date(Date.now() + 60_000) });
    expect(future).toHaveLength(0);
  });

  it('crossing below the low-balance threshold writes one wallet.low_balance event; placing a hold writes wallet.hold_placed', async () => {
    const { organizationId, walletId } = await fundedWallet(100);
    await ctx.wallets.setLowBalanceThreshold(organizationId, 'ZAR', R(50));
    const events = () =>
      ctx.db.selectFrom('outbox').select(['topic', 'payload']).where(sql<boolean>`payload->>'walletId' = ${walletId}`).orderBy('id').execute();
    await bill(organizationId, 40); // 60 left: above
    expect(await events()).toEqual([]);
    await ctx.wallets.placeHold({ organizationId, amount: R(20), currency: 'ZAR', idempotencyKey: key(), description: null, reference: 'vm-9', expiresInSeconds: null }); // 40: crosses
    await bill(organizationId, 10); // 30: already below
    const written = await events();
    expect(written.map((e) => e.topic)).toEqual(['wallet.low_balance', 'wallet.hold_placed']);
    expect(written[0]?.payload).toMatchObject({ organizationId, available: { amountMinor: '4000', currency: 'ZAR' }, threshold: { amountMinor: '5000', currency: 'ZAR' } });
    expect(written[1]?.payload).toMatchObject({ organizationId, amount: { amountMinor: '2000', currency: 'ZAR' }, reference: 'vm-9' });
  });

  it('after all of the above, every balance equals its journal and the journal sums to zero', async () => {
    const audit = await auditLedger(ctx.db);
    expect(audit.wallets.length).toBeGreaterThan(20);
    expect(audit).toMatchObject({ journalTotal: 0n, mismatched: [], belowFloor: [], ok: true });
  });
});
