import { sql } from 'kysely';
import { afterAll, expect, test } from 'vitest';
import { advisoryLocks, createDatabase, createLogger, PeriodicTask, type Database } from '../src/index.ts';
import { createTestDatabase, dropTestDatabases } from './support/databases.ts';
import { until } from './support/timing.ts';

// Two "replicas": two pools on one database, each running the same task on its own timer.
const logger = createLogger({}, 'error');
const opened: Database<unknown>[] = [];
const replica = (url: string) => {
  const database = createDatabase<unknown>({ url, logger });
  opened.push(database);
  return database;
};
const singletonTask = (database: Database<unknown>, run: () => Promise<unknown>) =>
  new PeriodicTask({ name: 'hold sweep', intervalMs: 5, firstDelayMs: 0, logger, run, singleton: advisoryLocks(database.background) });

afterAll(async () => {
  await Promise.all(opened.map((database) => database.close()));
  await dropTestDatabases();
});

test('a singleton task runs on one replica at a time, however often both timers fire', async () => {
  const url = await createTestDatabase('singleton_overlap');
  let running = 0;
  let maxRunning = 0;
  const passes = { a: 0, b: 0 };
  const pass = (who: 'a' | 'b') => async () => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, 20));
    running -= 1;
    passes[who] += 1;
  };
  const tasks = [singletonTask(replica(url), pass('a')), singletonTask(replica(url), pass('b'))];
  for (const task of tasks) task.start();
  await until(() => passes.a + passes.b >= 10);
  await Promise.all(tasks.map((task) => task.stop()));
  expect(maxRunning).toBe(1);
});

test('the lock dies with its holder: when the replica doing the work loses its connection, another takes over', async () => {
  const url = await createTestDatabase('singleton_takeover');
  const a = replica(url);
  const events: string[] = [];
  let release!: () => void;
  const hung = new Promise<void>((resolve) => (release = resolve));
  const stuck = singletonTask(a, async () => {
    events.push('a started');
    await hung; // a replica hung mid-pass
  });
  stuck.start();
  await until(() => events.length === 1);
  const b = singletonTask(replica(url), async () => void events.push('b ran'));
  b.start();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(events).toEqual(['a started']); // b's timer fired many times and skipped each pass
  // The replica is killed: its connection (and the transaction holding the lock) ends.
  await sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`.execute(
    a.db,
  );
  await until(() => events.includes('b ran'));
  release();
  await Promise.all([b.stop(), stuck.stop()]);
  expect(events.slice(0, 2)).toEqual(['a started', 'b ran']);
});
