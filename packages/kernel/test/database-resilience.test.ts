import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { createTestDatabase, dropTestDatabases } from '@platform/testkit';
import { inject } from 'vitest';
import { createDatabase, createLogger } from '../src/index.ts';

afterAll(() => dropTestDatabases());

test('a connection killed under the pool (as in a PostgreSQL restart) is survived: the next query reconnects', async () => {
  const url = await createTestDatabase('resilience');
  const warnings: string[] = [];
  const logger = { ...createLogger({}, 'error'), warn: (msg: string) => void warnings.push(msg) };
  const database = createDatabase<unknown>({ url, logger });
  try {
    expect(await database.ping()).toBe(true);
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    const dbName = new URL(url).pathname.slice(1);
    const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
    await admin.end();
    expect(rowCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(warnings).toContain('idle database connection lost'); // handled, not an uncaught 'error' event
    expect(await database.ping()).toBe(true);
  } finally {
    await database.close();
  }
});
