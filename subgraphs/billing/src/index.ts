import { defineSubgraph, type Database, type SubgraphDeps } from '@platform/kernel';
import type { BillingConfig } from './config.ts';
import type { BillingContext } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { BillingDatabase } from './db/types.ts';
import { createServices } from './domain/services.ts';
import { createLoaders } from './loaders.ts';
import { buildBillingSchema } from './schema.ts';

export { readBillingConfig, type BillingConfig } from './config.ts';
export type { Note } from './domain/note.ts';

/** The billing subgraph as a declaration; defineSubgraph orders start() and stop(). */
export function createBillingSubgraph(config: BillingConfig, deps: SubgraphDeps) {
  return defineSubgraph({
    name: 'billing',
    place: config,
    deps,
    migrations,
    schema: buildBillingSchema(),
    outbox: config.outboxIntervalMs,
    services: (database: Database<BillingDatabase>) => createServices(database.db),
    context: (base, services): BillingContext => ({ ...base, services, loaders: createLoaders(services) }),
  });
}

export type BillingSubgraph = ReturnType<typeof createBillingSubgraph>;
