import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabases } from './support/databases.ts';
import { newId, OutboxRelay, RedisEventBus, type Database, type DeliveryPolicy } from '../src/index.ts';
import { eventDatabase, handledCounts, logger, TOPIC, unpublishedCount, waitFor, writeEvents, type EventTestTables } from './support/event-fixture.ts';

const REDIS_URL = process.env.REDIS_URL;
const CHILD = fileURLToPath(new URL('./support/redis-consumer-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const policy: DeliveryPolicy = { retentionMs: 3_600_000, maxAttempts: 3, retryDelayMs: 300 };

if (!REDIS_URL) console.warn('redis-event-bus.slow.test.ts skipped: REDIS_URL is not set');

describe.skipIf(!REDIS_URL)('Redis Streams bus across two processes', () => {
  const prefix = `test-events-${newId()}`;
  let bus: RedisEventBus;
  let producer: Database<EventTestTables>;
  let consumerDb: { url: string; database: Database<EventTestTables> };
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    bus = new RedisEventBus({ url: REDIS_URL!, prefix, policy, logger });
    producer = (await eventDatabase('redis_producer')).database;
    consumerDb = await eventDatabase('redis_consumer');
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await bus?.close();
    const redis = new Redis(REDIS_URL!);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await Promise.all([producer?.close(), consumerDb?.database.close()]);
    await dropTestDatabases();
  });

  /** Starts the consumer in its own process and waits until it has registered. */
  function startConsumer(name: string, handlerDelayMs = 0): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        CONSUMER_DATABASE_URL: consumerDb.url,
        CONSUMER_NAME: name,
        EVENT_PREFIX: prefix,
        EVENT_MAX_ATTEMPTS: String(policy.maxAttempts),
        EVENT_RETRY_DELAY_MS: String(policy.retryDelayMs),
        HANDLER_DELAY_MS: String(handlerDelayMs),
      },
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(child));
      child.on('exit', (code) => reject(new Error(`consumer process exited with ${code}`)));
    });
  }

  async function relayAll(count: number): Promise<string[]> {
    const ids = await writeEvents(producer.db, count);
    const relay = new OutboxRelay(producer.db, bus, logger, 20);
    relay.start();
    await waitFor(
      () => unpublishedCount(producer.db),
      (n) => n === 0,
    );
    await relay.stop();
    return ids;
  }

  test('1,000 events published before the consumer exists all reach it once, across a SIGKILL mid-batch', async () => {
    await relayAll(1_000);
    const first = await startConsumer('billing', 2);
    await waitFor(
      () => handledCounts(consumerDb.database.db),
      (c) => c.rows >= 200,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await handledCounts(consumerDb.database.db)).distinct).toBeLessThan(1_000);

    const second = await startConsumer('billing');
    expect(
      await waitFor(
        () => handledCounts(consumerDb.database.db),
        (c) => c.distinct === 1_000,
        60_000,
      ),
    ).toEqual({ rows: 1_000, distinct: 1_000 });
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    // Everything acknowledged, nothing parked, and nothing applied twice.
    expect(await bus.parked('billing')).toEqual([]);
    expect(await handledCounts(consumerDb.database.db)).toEqual({ rows: 1_000, distinct: 1_000 });
  }, 150_000);

  test('a poison event is parked after maxAttempts while the events behind it are delivered, then replayed', async () => {
    await consumerDb.database.db.deleteFrom('handled').execute();
    const child = await startConsumer('billing');
    const ids = await writeEvents(producer.db, 50);
    const poisonId = ids[10]!;
    await consumerDb.database.db.insertInto('poison').values({ event_id: poisonId }).execute();
    const relay = new OutboxRelay(producer.db, bus, logger, 20);
    relay.start();
    await waitFor(
      () => handledCounts(consumerDb.database.db),
      (c) => c.distinct === 49,
    );
    const [parked] = await waitFor(
      () => bus.parked('billing'),
      (list) => list.length === 1,
    );
    expect(parked).toMatchObject({ event: { id: poisonId, topic: TOPIC }, attempts: policy.maxAttempts, error: `poison ${poisonId}` });

    await consumerDb.database.db.deleteFrom('poison').execute(); // the bug is fixed
    expect(await bus.replayParked('billing')).toBe(1);
    await waitFor(
      () => consumerDb.database.db.selectFrom('handled').select('event_id').where('event_id', '=', poisonId).execute(),
      (rows) => rows.length === 1,
    );
    expect(await bus.parked('billing')).toEqual([]);
    expect(await handledCounts(consumerDb.database.db)).toEqual({ rows: 50, distinct: 50 });
    await relay.stop();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }, 120_000);
});
