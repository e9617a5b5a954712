import { cachedOrgDirectory, createDatabase, migrateToLatest, OutboxRelay, startSubgraphServer, type RunningServer, type SubgraphDeps } from '@platform/kernel';
import type { TenancyConfig } from './config.ts';
import { migrations } from './db/migrations/index.ts';
import type { TenancyDatabase } from './db/types.ts';
import { createLoaders } from './loaders.ts';
import { localOrgDirectory } from './local-org-directory.ts';
import { buildTenancySchema } from './schema.ts';
import { seedTenancy, type TenancySeed } from './seed.ts';

export { readTenancyConfig, type TenancyConfig } from './config.ts';
export type { TenancySeed } from './seed.ts';
export type { TenancyDatabase } from './db/types.ts';

/** Tenancy needs no org directory from outside: it is the directory. */
export type TenancyDeps = Omit<SubgraphDeps, 'orgDirectory'>;

export function createTenancySubgraph(config: TenancyConfig, deps: TenancyDeps) {
  const database = createDatabase<TenancyDatabase>({ url: config.databaseUrl, logger: deps.logger, onQuery: deps.onQuery });
  const db = database.db;
  const relay = new OutboxRelay(database.background, deps.eventBus, deps.logger);
  let server: RunningServer | undefined;
  return {
    db,
    /** The directory other in-process subgraphs may share (embedded mode); others use HTTP. */
    orgDirectory: cachedOrgDirectory(localOrgDirectory(db)),
    async migrate() {
      await migrateToLatest(db, migrations);
    },
    /** Loads a fixed organisation tree and memberships (idempotent; see seedTenancy). */
    seed: (seed: TenancySeed) => seedTenancy(db, seed),
    async start(): Promise<RunningServer> {
      await migrateToLatest(db, migrations);
      server = await startSubgraphServer({
        name: 'tenancy',
        schema: buildTenancySchema(),
        port: config.port,
        host: config.host,
        logger: deps.logger,
        verifyToken: deps.verifyToken,
        orgDirectory: this.orgDirectory,
        extendContext: (base) => ({ ...base, db, loaders: createLoaders(db) }),
        ready: () => database.ping(),
      });
      relay.start();
      return server;
    },
    async stop() {
      await server?.stop();
      await relay.stop();
      await database.close();
    },
  };
}

export type TenancySubgraph = ReturnType<typeof createTenancySubgraph>;
