import { newId } from '@platform/kernel';
import fc from 'fast-check';
import { expect } from 'vitest';
import { findWalletsByIds } from '../src/db/account-repository.ts';
import { key, walletTest, type LedgerHarness } from './support/fixtures.ts';

// The operations a sequence is made of. Keys come from small pools so repeats and clashes happen.
type Op =
  | { op: 'topUp'; w: number; amount: bigint; k: number }
  | { op: 'bill'; w: number; amount: bigint; k: number }
  | { op: 'transfer'; from: number; to: number; amount: bigint }
  | { op: 'hold'; w: number; amount: bigint; ttl: number }
  | { op: 'capture'; h: number; amount: bigint | null }
  | { op: 'release'; h: number }
  | { op: 'advance'; seconds: number };

const WALLETS = 3;
const wallet = fc.integer({ min: 0, max: WALLETS - 1 });
const amount = fc.bigInt({ min: 1n, max: 5_000n });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('topUp' as const), w: wallet, amount, k: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ op: fc.constant('bill' as const), w: wallet, amount, k: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ op: fc.constant('transfer' as const), from: wallet, to: wallet, amount }),
  fc.record({ op: fc.constant('hold' as const), w: wallet, amount, ttl: fc.constantFrom(60, 7200) }),
  fc.record({ op: fc.constant('capture' as const), h: fc.nat(), amount: fc.option(amount, { nil: null }) }),
  fc.record({ op: fc.constant('release' as const), h: fc.nat() }),
  fc.record({ op: fc.constant('advance' as const), seconds: fc.constantFrom(30, 3600) }),
);

interface ModelHold {
  id: string;
  w: number;
  amount: bigint;
  status: 'PENDING' | 'CAPTURED' | 'RELEASED' | 'EXPIRED';
  expiresAt: number; // model seconds
}

/** The ledger as it should behave, in a few lines of plain arithmetic. */
class Model {
  balance = Array.from({ length: WALLETS }, () => 0n);
  held = Array.from({ length: WALLETS }, () => 0n);
  holds: ModelHold[] = [];
  keys = new Map<string, bigint>(); // scope:key → the amount first asked for
  now = 0;
  available = (w: number) => (this.balance[w] ?? 0n) - (this.held[w] ?? 0n);
  add(list: bigint[], w: number, delta: bigint) {
    list[w] = (list[w] ?? 0n) + delta;
  }
  /** null when the key is fresh; 'REPLAY' or 'CONFLICT' otherwise. */
  seen(scope: string, amount: bigint): 'REPLAY' | 'CONFLICT' | null {
    const first = this.keys.get(scope);
    if (first === undefined) return null;
    return first === amount ? 'REPLAY' : 'CONFLICT';
  }
}

async function run(ctx: LedgerHarness, ops: Op[]): Promise<void> {
  const orgs = Array.from({ length: WALLETS }, () => newId());
  const walletIds = await Promise.all(orgs.map((o) => ctx.wallets.ensureWallet(o, 'ZAR')));
  const bills = [newId(), newId(), newId()];
  const topUpKeys = [key(), key(), key()];
  const model = new Model();
  // Every wallet starts with some money, so most operations get past the funds check.
  for (const [w, organizationId] of orgs.entries()) {
    await ctx.wallets.topUp({ organizationId, amount: 10_000n, currency: 'ZAR', paymentReference: 'opening', idempotencyKey: key() });
    model.add(model.balance, w, 10_000n);
  }

  for (const [step, o] of ops.entries()) {
    let expected: string = 'OK';
    let actual: string = 'OK';
    const attempt = async (work: () => Promise<unknown>) => {
      try {
        return await work();
      } catch (error) {
        actual = (error as { extensions?: { code?: string } }).extensions?.code ?? String(error);
        return undefined;
      }
    };
    switch (o.op) {
      case 'topUp': {
        const seen = model.seen(`t${o.w}:${o.k}`, o.amount);
        if (seen === 'CONFLICT') expected = 'CONFLICT';
        else if (seen === null) {
          model.add(model.balance, o.w, o.amount);
          model.keys.set(`t${o.w}:${o.k}`, o.amount);
        }
        await attempt(() =>
          ctx.wallets.topUp({
            organizationId: orgs[o.w] as string,
            amount: o.amount,
            currency: 'ZAR',
            paymentReference: 'p',
            idempotencyKey: topUpKeys[o.k] as string,
          }),
        );
        break;
      }
      case 'bill': {
        const seen = model.seen(`b${o.w}:${o.k}`, o.amount);
        if (seen === 'CONFLICT') expected = 'CONFLICT';
        else if (seen === null) {
          if (model.available(o.w) < o.amount) expected = 'INSUFFICIENT_FUNDS';
          else {
            model.add(model.balance, o.w, -o.amount);
            model.keys.set(`b${o.w}:${o.k}`, o.amount);
          }
        }
        await attempt(() =>
          ctx.wallets.payBill({ organizationId: orgs[o.w] as string, billId: bills[o.k] as string, amount: o.amount, currency: 'ZAR', description: null }),
        );
        break;
      }
      case 'transfer': {
        if (o.from === o.to) continue;
        if (model.available(o.from) < o.amount) expected = 'INSUFFICIENT_FUNDS';
        else {
          model.add(model.balance, o.from, -o.amount);
          model.add(model.balance, o.to, o.amount);
        }
        await attempt(() =>
          ctx.ledger.transfer({
            kind: 'TRANSFER',
            debitAccountId: walletIds[o.from] as string,
            creditAccountId: walletIds[o.to] as string,
            amount: o.amount,
            currency: 'ZAR',
            idempotency: { scope: 'model', key: key(), request: {} },
          }),
        );
        break;
      }
      case 'hold': {
        const fits = model.available(o.w) >= o.amount;
        if (!fits) expected = 'INSUFFICIENT_FUNDS';
        const placed = (await attempt(() =>
          ctx.wallets.placeHold({
            organizationId: orgs[o.w] as string,
            amount: o.amount,
            currency: 'ZAR',
            idempotencyKey: key(),
            description: null,
            reference: null,
            expiresInSeconds: o.ttl,
          }),
        )) as { id: string } | undefined;
        if (fits && placed) {
          model.add(model.held, o.w, o.amount);
          model.holds.push({ id: placed.id, w: o.w, amount: o.amount, status: 'PENDING', expiresAt: model.now + o.ttl });
        }
        break;
      }
      case 'capture': {
        const hold = model.holds[o.h % Math.max(1, model.holds.length)];
        if (!hold) continue;
        const captured = o.amount ?? hold.amount;
        if (hold.status !== 'PENDING' || model.now >= hold.expiresAt) expected = 'INVALID_STATE';
        else if (captured > hold.amount) expected = 'BAD_USER_INPUT';
        else {
          model.add(model.balance, hold.w, -captured);
          model.add(model.held, hold.w, -hold.amount);
          hold.status = 'CAPTURED';
        }
        await attempt(() => ctx.wallets.captureHold(hold.id, o.amount, key()));
        break;
      }
      case 'release': {
        const hold = model.holds[o.h % Math.max(1, model.holds.length)];
        if (!hold) continue;
        if (hold.status !== 'PENDING') expected = 'INVALID_STATE';
        else {
          model.add(model.held, hold.w, -hold.amount);
          hold.status = 'RELEASED';
        }
        await attempt(() => ctx.wallets.releaseHold(hold.id, key()));
        break;
      }
      case 'advance': {
        model.now += o.seconds;
        ctx.clock.advance(o.seconds);
        for (const hold of model.holds) {
          if (hold.status === 'PENDING' && hold.expiresAt <= model.now) {
            hold.status = 'EXPIRED';
            model.add(model.held, hold.w, -hold.amount);
          }
        }
        await ctx.ledger.expireHolds(ctx.clock.now());
        break;
      }
    }
    expect({ step, op: o.op, outcome: actual }).toEqual({ step, op: o.op, outcome: expected });
    const rows = await findWalletsByIds(ctx.db, walletIds);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const actualState = walletIds.map((id) => ({ balance: byId.get(id)?.balance, held: byId.get(id)?.held }));
    const modelState = walletIds.map((_, w) => ({ balance: model.balance[w], held: model.held[w] }));
    expect({ step, state: actualState }).toEqual({ step, state: modelState });
  }
}

walletTest('random operation sequences leave every wallet exactly where a simple model of the ledger says', async ({ ledger: ctx }) => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 15, maxLength: 40 }), (ops) => run(ctx, ops)),
    { numRuns: 20 },
  );
});
