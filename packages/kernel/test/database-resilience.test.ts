import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, expect, inject, test } from 'vitest';
import { createDatabase, createLogger } from '../src/index.ts';
import { ScratchDatabases } from '../src/testing.ts';

// The test kit's global setup provides the server (the kernel cannot import the test kit: it depends on the kernel).
declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

const databases = new ScratchDatabases(() => inject('adminDatabaseUrl'));
const createTestDatabase = (label: string) => databases.create(label);
afterAll(() => databases.dropAll());

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
  return { warnings, logger: { ...createLogger({}, 'error'), warn: (msg: string) => void warnings.push(msg) } };
}

test('idle connections killed under the pool (as in a PostgreSQL restart) are survived: the next query reconnects', async () => {
  const url = await createTestDatabase('resilience_idle');
  const { warnings, logger } = recordingLogger();
  const database = createDatabase<unknown>({ url, logger });
  try {
    expect(await database.ping()).toBe(true);
    expect(await terminateBackends(url)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(warnings).toContain('idle database connection lost'); // handled, not an uncaught 'error' event
    expect(await database.ping()).toBe(true);
  } finally {
    await database.close();
  }
});

test('a connection killed inside a transaction fails that transaction, not the process; the next one works', async () => {
  const url = await createTestDatabase('resilience_busy');
  const { warnings, logger } = recordingLogger();
  const database = createDatabase<unknown>({ url, logger });
  try {
    const attempt = database.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await terminateBackends(url); // the client is checked out, between statements
      await new Promise((r) => setTimeout(r, 100));
      await sql`select 2`.execute(trx);
    });
    await expect(attempt).rejects.toThrow();
    expect(warnings).toContain('database connection lost while in use');
    expect(await database.ping()).toBe(true);
    const { rows } = await sql<{ n: number }>`select 3 as n`.execute(database.db);
    expect(rows[0]?.n).toBe(3);
  } finally {
    await database.close();
  }
});
