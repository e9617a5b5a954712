import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase, withDatabase } from '../db/admin.ts';

/** Counts statements: `const c = new StatementCounter(); createDatabase({ onQuery: c.record })`. */
export class StatementCounter {
  count = 0;
  readonly statements: string[] = [];
  readonly record = (sql: string): void => {
    this.count += 1;
    if (this.statements.length < 1000) this.statements.push(sql);
  };
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

/**
 * Fresh, empty databases on the server behind `adminUrl` (read when first needed), each named after
 * a label plus random characters; `dropAll()` drops every one created so far, so reruns start clean.
 */
export class ScratchDatabases {
  private readonly created: string[] = [];

  constructor(private readonly adminUrl: () => string) {}

  async create(label: string): Promise<string> {
    const admin = this.adminUrl();
    const name = `t_${label}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    await ensureDatabase(admin, name);
    this.created.push(name);
    return withDatabase(admin, name);
  }

  async dropAll(): Promise<void> {
    const client = new pg.Client({ connectionString: this.adminUrl() });
    await client.connect();
    try {
      for (const name of this.created.splice(0)) {
        await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
      }
    } finally {
      await client.end();
    }
  }
}
