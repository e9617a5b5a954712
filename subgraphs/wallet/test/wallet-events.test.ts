import { setTimeout as sleep } from 'node:timers/promises';
import { newId, type PlatformEvent } from '@platform/kernel';
import { describe, expect } from 'vitest';
import { countRows, key, walletTest } from './support/fixtures.ts';

// A fast sweeper, so an expired hold comes back within the test.
const test = walletTest.extend({ walletEnv: [{ WALLET_HOLD_SWEEP_MS: '100' }, { scope: 'file' }] });

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

const created = (organizationId: string, id = newId()): PlatformEvent => ({
  id,
  topic: 'tenancy.organization.created',
  payload: { organizationId, kind: 'CUSTOMER', parentId: newId() },
  occurredAt: new Date().toISOString(),
});

describe('organisations announced by tenancy', () => {
  test('get a wallet, once, however often the event is delivered', async ({ wallet: h }) => {
    const organizationId = newId();
    const event = created(organizationId);
    const second = created(organizationId); // a second event for the same organisation
    await h.bus.publish([event, second]);
    await h.bus.publish([event]); // a republished id is not appended twice
    const processed = () => h.db.selectFrom('processed_events').select('event_id').where('event_id', 'in', [event.id, second.id]).execute();
    expect(await eventually(processed, (rows) => rows.length === 2)).toHaveLength(2);
    const rows = await h.db.selectFrom('accounts').select(['balance', 'currency']).where('organization_id', '=', organizationId).execute();
    expect(rows).toEqual([{ balance: '0', currency: 'ZAR' }]);
  });

  test('a malformed event is skipped rather than retried forever', async ({ wallet: h }) => {
    const before = await countRows(h.db, 'accounts');
    const good = created(newId());
    await h.bus.publish([{ ...created('not-a-uuid'), payload: { organizationId: 'not-a-uuid' } }, { ...created(newId()), payload: null }, good]);
    // Events are handled in order: once the good one is done, the malformed ones were skipped.
    await eventually(
      () => countRows(h.db, 'accounts'),
      (n) => n === before + 1,
    );
    expect(await countRows(h.db, 'accounts')).toBe(before + 1);
    expect(await h.bus.parked('wallet.create-wallets')).toEqual([]);
  });
});

describe('events the wallet writes', () => {
  test('the relay publishes wallet.hold_placed and wallet.low_balance from the outbox', async ({ wallet: h, tree }) => {
    const received: PlatformEvent[] = [];
    const consumer = h.bus.register({
      name: 'test.wallet-events',
      topics: ['wallet.hold_placed', 'wallet.low_balance'],
      handle: async (e) => void received.push(e),
    });
    const organizationId = tree.customerB;
    await h.subgraph.wallets.topUp({ organizationId, amount: 50_00n, currency: 'ZAR', paymentReference: 'x', idempotencyKey: key() });
    await h.subgraph.wallets.setLowBalanceThreshold(organizationId, 'ZAR', 20_00n);
    const hold = await h.subgraph.wallets.placeHold({
      organizationId,
      amount: 35_00n,
      currency: 'ZAR',
      idempotencyKey: key(),
      description: null,
      reference: 'vm-1',
      expiresInSeconds: null,
    });
    const events = await eventually(
      async () => received.filter((e) => (e.payload as { organizationId?: string }).organizationId === organizationId),
      (list) => list.length >= 2,
    );
    await consumer.stop();
    expect(events.map((e) => e.topic).sort()).toEqual(['wallet.hold_placed', 'wallet.low_balance']);
    expect(events.find((e) => e.topic === 'wallet.hold_placed')?.payload).toMatchObject({ holdId: hold.id, amount: { amountMinor: '3500', currency: 'ZAR' } });
    expect(events.find((e) => e.topic === 'wallet.low_balance')?.payload).toMatchObject({
      available: { amountMinor: '1500', currency: 'ZAR' },
      threshold: { amountMinor: '2000', currency: 'ZAR' },
    });
  });

  test('the running sweeper gives an expired hold’s funds back', async ({ wallet: h, tree }) => {
    const organizationId = tree.customerA;
    await h.subgraph.wallets.topUp({ organizationId, amount: 10_00n, currency: 'ZAR', paymentReference: 'x', idempotencyKey: key() });
    const walletId = await h.subgraph.wallets.requireWallet(organizationId);
    const hold = await h.subgraph.wallets.placeHold({
      organizationId,
      amount: 8_00n,
      currency: 'ZAR',
      idempotencyKey: key(),
      description: null,
      reference: null,
      expiresInSeconds: 60,
    });
    const held = () => h.db.selectFrom('accounts').select('held').where('id', '=', walletId).executeTakeFirstOrThrow();
    expect(await held()).toEqual({ held: '800' });
    h.clock.advance(61);
    expect(await eventually(held, (w) => w.held === '0')).toEqual({ held: '0' });
    const row = await h.db.selectFrom('holds').select('status').where('id', '=', hold.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('EXPIRED');
  });
});
