import { cachedOrgDirectory, defineSubgraph, type DefineSubgraphDeps, type Database, type SubgraphDeps } from '@platform/kernel';
import type { TenancyConfig } from './config.ts';
import type { TenancyContext, TenancyServices } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { TenancyDatabase } from './db/types.ts';
import { MembershipService } from './domain/membership-service.ts';
import { OrganizationService } from './domain/organization-service.ts';
import { seedTenancy, type TenancySeed } from './domain/seed.ts';
import { createLoaders } from './loaders.ts';
import { localOrgDirectory } from './local-org-directory.ts';
import { buildTenancySchema } from './schema.ts';

export { readTenancyConfig, type TenancyConfig } from './config.ts';
export type { TenancySeed } from './domain/seed.ts';
export type { TenancyDatabase } from './db/types.ts';

/** Tenancy needs no org directory from outside (it is the directory) and calls no other subgraph. */
export type TenancyDeps = Omit<DefineSubgraphDeps, 'orgDirectory'> & Pick<SubgraphDeps, 'verifyToken'>;

export function createTenancySubgraph(config: TenancyConfig, deps: TenancyDeps) {
  const subgraph = defineSubgraph({
    name: 'tenancy',
    place: config,
    deps,
    migrations,
    schema: buildTenancySchema(),
    services: (database: Database<TenancyDatabase>): TenancyServices => {
      const orgDirectory = cachedOrgDirectory(localOrgDirectory(database.db));
      return {
        // A committed status change drops the cached nodes: a suspension applies at once here and in process.
        organizations: new OrganizationService(database.db, () => orgDirectory.invalidate()),
        memberships: new MembershipService(database.db),
        orgDirectory,
        newLoaders: () => createLoaders(database.db),
      };
    },
    context: (base, services): TenancyContext => ({ ...base, services, loaders: services.newLoaders() }),
    auth: (_database, services) => ({ orgDirectory: services.orgDirectory }),
    // tenancy.organization.created / .updated
    outbox: true,
  });
  return {
    ...subgraph,
    /** The directory other in-process subgraphs may share (embedded mode); others ask over HTTP. */
    orgDirectory: subgraph.services.orgDirectory,
    /** Loads a fixed organisation tree and memberships (idempotent; see seedTenancy). */
    seed: (seed: TenancySeed) => seedTenancy(subgraph.db, seed),
  };
}

export type TenancySubgraph = ReturnType<typeof createTenancySubgraph>;
