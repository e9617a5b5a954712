import path from 'node:path';
import { startEmbeddedPostgres } from '@platform/kernel/embedded-postgres';
import { freePort, ScratchDatabases } from '@platform/kernel/testing';

/**
 * Databases for a benchmark run: on BENCH_DATABASE_URL's server when set, otherwise on an embedded
 * PostgreSQL that lives for the run. `database(label)` makes a fresh one; `close()` drops them all (a shared
 * server does not fill up with old runs' databases).
 */
export interface BenchDatabases {
  database(label: string): Promise<string>;
  close(): Promise<void>;
}

export async function benchDatabases(): Promise<BenchDatabases> {
  const configured = process.env['BENCH_DATABASE_URL'];
  let adminUrl: string;
  let stop = async () => {};
  if (configured) {
    adminUrl = configured;
  } else {
    const port = await freePort();
    const pg = await startEmbeddedPostgres({ dataDir: path.resolve('.data', `bench-pg-${process.pid}`), port, persistent: false });
    adminUrl = pg.url('postgres');
    stop = () => pg.stop();
  }
  const scratch = new ScratchDatabases(() => adminUrl);
  return {
    database: (label) => scratch.create(`bench_${label}`),
    async close() {
      await scratch.dropAll();
      await stop();
    },
  };
}
