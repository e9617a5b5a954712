import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Generated, type Kysely } from 'kysely';
import { createTestDatabase } from './databases.ts';
import {
  consumeOnce,
  createDatabase,
  createLogger,
  inTransaction,
  outboxWriter,
  type Database,
  type EventConsumer,
  type OutboxTables,
} from '../../src/index.ts';

/** A subgraph's event tables, plus what the test consumer records and a switch that makes an event fail. */
export interface EventTestTables extends OutboxTables {
  handled: { event_id: string; handled_at: Generated<Date> };
  poison: { event_id: string };
}

export const TOPIC = 'test.thing';
export const logger = createLogger({}, 'error');
const writeOutbox = outboxWriter<{ [TOPIC]: { n: number } }>();

export async function createEventTables(db: Kysely<EventTestTables>): Promise<void> {
  await sql`
    create table if not exists outbox (id uuid primary key, topic text not null, payload jsonb not null,
      created_at timestamptz not null default now(), published_at timestamptz);
    create table if not exists processed_events (event_id uuid primary key, processed_at timestamptz not null default now());
    create table if not exists handled (event_id uuid not null, handled_at timestamptz not null default clock_timestamp());
    create table if not exists poison (event_id uuid primary key);`.execute(db);
}

/** A fresh database with the event tables. */
export async function eventDatabase(label: string): Promise<{ url: string; database: Database<EventTestTables> }> {
  const url = await createTestDatabase(label);
  const database = createDatabase<EventTestTables>({ url, logger });
  await createEventTables(database.db);
  return { url, database };
}

/** Writes `count` events to the outbox in one transaction; returns their ids in order. */
export async function writeEvents(db: Kysely<EventTestTables>, count: number): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    const ids: string[] = [];
    for (let n = 0; n < count; n += 1) ids.push(await writeOutbox(trx, TOPIC, { n }));
    return ids;
  });
}

/**
 * The consumer every test runs: records each event once (consumeOnce), after `delayMs`, and throws
 * for an event listed in `poison`.
 */
export function recordingConsumer(db: Kysely<EventTestTables>, name: string, delayMs = 0): EventConsumer {
  return {
    name,
    topics: [TOPIC],
    async handle(event) {
      if (delayMs > 0) await sleep(delayMs);
      await inTransaction(db, async (trx) => {
        if (await trx.selectFrom('poison').select('event_id').where('event_id', '=', event.id).executeTakeFirst()) {
          throw new Error(`poison ${event.id}`);
        }
        await consumeOnce(trx, event.id, async () => {
          await trx.insertInto('handled').values({ event_id: event.id }).execute();
        });
      });
    },
  };
}

export async function handledCounts(db: Kysely<EventTestTables>): Promise<{ rows: number; distinct: number }> {
  const { rows } = await sql<{ rows: string; distinct: string }>`select count(*) as rows, count(distinct event_id) as distinct from handled`.execute(db);
  return { rows: Number(rows[0]?.rows ?? 0), distinct: Number(rows[0]?.distinct ?? 0) };
}

export async function unpublishedCount(db: Kysely<EventTestTables>): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from outbox where published_at is null`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Polls `read` until `done` holds; fails with the last value after `timeoutMs`. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value ${JSON.stringify(value)}`);
    await sleep(25);
  }
}
