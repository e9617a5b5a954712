import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase, withDatabase } from '@platform/kernel';
import { inject } from 'vitest';
import './provided-context.ts';

/**
 * A fresh, empty database for one test file (or one service in it), on the server the global setup
 * chose. Databases are dropped by `dropTestDatabases` (call it in afterAll), so reruns start clean.
 */
const created: string[] = [];

export async function createTestDatabase(label: string): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const name = `t_${label}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await ensureDatabase(admin, name);
  created.push(name);
  return withDatabase(admin, name);
}

export async function dropTestDatabases(): Promise<void> {
  const admin = inject('adminDatabaseUrl');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    for (const name of created.splice(0)) {
      await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
    }
  } finally {
    await client.end();
  }
}
