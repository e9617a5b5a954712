import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, expect, inject, test } from 'vitest';
import { createDatabase, createLogger } from '../src/index.ts';
import { createTestDatabase, dropTestDatabases } from './support/databases.ts';

afterAll(() => dropTestDatabases());

/** What a PostgreSQL restart does to a service: every backend of its database is terminated. */
async function terminateBackends(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  try {
    const dbName = new URL(url).pathname.slice(1);
    const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

function recordingLogger() {
  const warnings: string[] = [];
  const details: { msg: string; error: unknown }[] = [];
  const warn = (msg: string, fields?: { error?: unknown }) => {
    warnings.push(msg);
    details.push({ msg, error: fields?.error });
  };
  return { warnings, details, logger: { ...createLogger({}, 'error'), warn } };
}

/** What PostgreSQL says to a backend pg_terminate_backend ends (SQLSTATE 57P01). */
const TERMINATED = 'terminating connection due to administrator command';

test('idle connections killed under the pool (as in a PostgreSQL restart) are survived: the next query reconnects', async () => {
  const url = await createTestDatabase('resilience_idle');
  const { warnings, details, logger } = recordingLogger();
  const database = createDatabase<unknown>({ url, logger });
  try {
    expect(await database.ping()).toBe(true);
    expect(await terminateBackends(url)).toBeGreaterThan(0);
    await expect.poll(() => warnings).toContain('idle database connection lost'); // handled, not an uncaught 'error' event
    expect(details).toContainEqual({ msg: 'idle database connection lost', error: TERMINATED });
    expect(await database.ping()).toBe(true);
  } finally {
    await database.close();
  }
});

test('a connection killed inside a transaction fails that transaction, not the process; the next one works', async () => {
  const url = await createTestDatabase('resilience_busy');
  const { warnings, details, logger } = recordingLogger();
  const database = createDatabase<unknown>({ url, logger });
  try {
    const attempt = database.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      expect(await terminateBackends(url)).toBe(1); // the client is checked out, between statements
      await expect.poll(() => warnings).toContain('database connection lost while in use');
      await sql`select 2`.execute(trx);
    });
    // The statement after the kill fails with pg's error for a client whose connection was terminated.
    await expect(attempt).rejects.toThrow(/^Client has encountered a connection error and is not queryable$/);
    expect(details).toContainEqual({ msg: 'database connection lost while in use', error: TERMINATED });
    expect(await database.ping()).toBe(true);
    const { rows } = await sql<{ n: number }>`select 3 as n`.execute(database.db);
    expect(rows[0]?.n).toBe(3);
  } finally {
    await database.close();
  }
});
