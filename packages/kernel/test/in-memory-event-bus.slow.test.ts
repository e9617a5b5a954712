import type { Kysely } from 'kysely';
import { afterAll, expect, test, vi } from 'vitest';
import { dropTestDatabases } from './support/databases.ts';
import { InMemoryEventBus, OutboxRelay, type DeliveryPolicy } from '../src/index.ts';
import {
  eventDatabase,
  handledCounts,
  logger,
  recordingConsumer,
  unpublishedCount,
  waitFor,
  writeEvents,
  type EventTestTables,
} from './support/event-fixture.ts';

afterAll(() => dropTestDatabases());
// Thousands of handler transactions: generous under a loaded machine (CI shares two cores).
vi.setConfig({ testTimeout: 120_000 });

const policy: DeliveryPolicy = { retentionMs: 3_600_000, maxAttempts: 3, retryDelayMs: 50 };

/** A database with 1,000 events relayed (published, nobody listening yet) to a fresh in-memory bus. */
async function published(label: string) {
  const { database } = await eventDatabase(label);
  const db = database.db;
  const ids = await writeEvents(db, 1_000);
  const bus = new InMemoryEventBus({ policy, logger });
  const relay = new OutboxRelay(db, bus, logger, 20);
  relay.start();
  await waitFor(
    () => unpublishedCount(db),
    (n) => n === 0,
  );
  const close = async () => {
    await relay.stop();
    await bus.close(); // stops its consumers
    await database.close();
  };
  return { db, ids, bus, relay, close };
}

async function expectAllHandledOnce(db: Kysely<EventTestTables>): Promise<void> {
  expect(
    await waitFor(
      () => handledCounts(db),
      (c) => c.distinct === 1_000,
    ),
  ).toEqual({ rows: 1_000, distinct: 1_000 });
}

test('a consumer registered after 1,000 events were published gets every one, once', async () => {
  const { db, bus, close } = await published('bus_late');
  bus.register(recordingConsumer(db, 'late'));
  await expectAllHandledOnce(db);
  await close();
});

test('a consumer stopped mid-batch and registered again loses nothing and applies nothing twice', async () => {
  const { db, bus, close } = await published('bus_restart');
  const first = bus.register(recordingConsumer(db, 'restarting', 1));
  await waitFor(
    () => handledCounts(db),
    (c) => c.rows >= 200,
  );
  await first.stop();
  const atStop = await handledCounts(db);
  expect(atStop.distinct).toBeLessThan(1_000);
  bus.register(recordingConsumer(db, 'restarting'));
  await expectAllHandledOnce(db);
  await close();
});

test('a poison event is parked after maxAttempts while the events behind it flow, then replayed', async () => {
  const { db, ids, bus, close } = await published('bus_poison');
  const poisonId = ids[10]!;
  await db.insertInto('poison').values({ event_id: poisonId }).execute();
  bus.register(recordingConsumer(db, 'poisoned'));
  await waitFor(
    () => handledCounts(db),
    (c) => c.distinct === 999,
  );
  const [parked] = await waitFor(
    () => bus.parked('poisoned'),
    (list) => list.length === 1,
  );
  expect(parked).toMatchObject({ event: { id: poisonId }, attempts: 3, error: `poison ${poisonId}` });
  await db.deleteFrom('poison').execute(); // the bug is fixed
  expect(await bus.replayParked('poisoned')).toBe(1);
  await expectAllHandledOnce(db);
  expect(await bus.parked('poisoned')).toEqual([]);
  await close();
});

test('two consumers of one topic both get everything', async () => {
  const { db, bus, close } = await published('bus_two_a');
  const other = await eventDatabase('bus_two_b');
  bus.register(recordingConsumer(db, 'consumer-a'));
  bus.register(recordingConsumer(other.database.db, 'consumer-b'));
  for (const target of [db, other.database.db]) await expectAllHandledOnce(target);
  await close();
  await other.database.close();
});

test('after a process restart (new bus, new relay) the relay republishes retained events and nothing is lost', async () => {
  const { db, bus, relay, close } = await published('bus_process_restart');
  const consumer = bus.register(recordingConsumer(db, 'survivor', 1));
  await waitFor(
    () => handledCounts(db),
    (c) => c.rows >= 200,
  );
  await consumer.stop();
  await relay.stop();
  await bus.close(); // the in-memory history is gone with the "process" (its database stays)
  expect((await handledCounts(db)).distinct).toBeLessThan(1_000);

  const busAfter = new InMemoryEventBus({ policy, logger });
  const relayAfter = new OutboxRelay(db, busAfter, logger, 20);
  relayAfter.start();
  busAfter.register(recordingConsumer(db, 'survivor'));
  await expectAllHandledOnce(db);
  await relayAfter.stop();
  await busAfter.close();
  await close();
});
