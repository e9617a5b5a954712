import { sql } from 'kysely';
import { afterAll, expect, test } from 'vitest';
import { dropTestDatabases } from './support/databases.ts';
import { createDatabase, InMemoryEventBus, OutboxRelay, type EventBus, type PlatformEvent } from '../src/index.ts';
import { createEventTables, eventDatabase, logger, unpublishedCount, writeEvents, type EventTestTables } from './support/event-fixture.ts';

afterAll(() => dropTestDatabases());

test('stop() waits for the pass in flight, which completes (rows marked published)', async () => {
  const { database } = await eventDatabase('relay_stop');
  await writeEvents(database.db, 3);
  let release!: () => void;
  let publishing!: () => void;
  const publishStarted = new Promise<void>((resolve) => (publishing = resolve));
  const bus = new InMemoryEventBus({ logger });
  const slowBus: EventBus = {
    policy: bus.policy,
    durable: bus.durable,
    publish: async (events: readonly PlatformEvent[]) => {
      publishing();
      await new Promise<void>((resolve) => (release = resolve));
      await bus.publish(events);
    },
    register: (consumer) => bus.register(consumer),
    parked: (name) => bus.parked(name),
    replayParked: (name) => bus.replayParked(name),
    close: () => bus.close(),
  };
  const relay = new OutboxRelay(database.db, slowBus, logger, 10);
  relay.start();
  await publishStarted;
  let stopped = false;
  const stopping = relay.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(stopped).toBe(false);
  release();
  await stopping;
  expect(await unpublishedCount(database.db)).toBe(0);
  await database.close();
});

test('published rows are deleted only once past the retention window; pending ones never', async () => {
  const { database } = await eventDatabase('relay_cleanup');
  const db = database.db;
  const bus = new InMemoryEventBus({ logger, policy: { retentionMs: 3_600_000, maxAttempts: 3, retryDelayMs: 50 } });
  const relay = new OutboxRelay(db, bus, logger, 10);
  const [old, recent, pendingOld] = await writeEvents(db, 3);
  await relay.relayOnce();
  await db
    .updateTable('outbox')
    .set({ created_at: sql<Date>`now() - interval '2 hours'` })
    .where('id', 'in', [old!, pendingOld!])
    .execute();
  await db.updateTable('outbox').set({ published_at: null }).where('id', '=', pendingOld!).execute();
  expect(await relay.deleteExpired()).toBe(1);
  const left = await db.selectFrom('outbox').select('id').orderBy('id').execute();
  expect(left.map((r) => r.id)).toEqual([recent, pendingOld]);
  await database.close();
});

test('a pass with nothing pending is one probe statement, no transaction; with rows pending it claims and publishes them all', async () => {
  const { url, database: setup } = await eventDatabase('relay_probe');
  await setup.close();
  const statements: string[] = [];
  const database = createDatabase<EventTestTables>({ url, logger, onQuery: (text) => statements.push(text) });
  await createEventTables(database.db);
  const bus = new InMemoryEventBus({ logger });
  const relay = new OutboxRelay(database.db, bus, logger, 60_000);
  await relay.pass(); // the first pass also replays retained history (embedded bus)
  statements.length = 0;
  expect(await relay.pass()).toBe(0);
  expect(statements).toEqual(['select "id" from "outbox" where "published_at" is null limit $1']);
  await writeEvents(database.db, 3);
  statements.length = 0;
  expect(await relay.pass()).toBe(3);
  expect(statements.length).toBeGreaterThan(1);
  expect(await unpublishedCount(database.db)).toBe(0);
  await database.close();
});
