import path from 'node:path';
import { startEmbeddedPostgres } from '@platform/kernel/embedded-postgres';
import type { TestProject } from 'vitest/node';
import { freePort } from '@platform/kernel/testing';
import './provided-context.ts';

/**
 * Once per test run: use the server in TEST_DATABASE_URL, or start an embedded PostgreSQL that
 * lives only for this run. Each test file then creates its own fresh databases on it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env['TEST_DATABASE_URL'];
  if (configured) {
    project.provide('adminDatabaseUrl', configured);
    return async () => {};
  }
  const port = await freePort();
  const dataDir = path.resolve('.data', `test-pg-${process.pid}`);
  const pg = await startEmbeddedPostgres({ dataDir, port, persistent: false });
  project.provide('adminDatabaseUrl', pg.url('postgres'));
  return () => pg.stop();
}
