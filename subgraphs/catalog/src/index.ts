import { advisoryLocks, defineSubgraph, PeriodicTask, type Database, type SubgraphDeps } from '@platform/kernel';
import type { CatalogConfig } from './config.ts';
import type { CatalogContext, CatalogServices } from './context.ts';
import { CatalogMigrations } from './db/migrations/index.ts';
import type { CatalogDatabase } from './db/types.ts';
import { CatalogAdmin } from './domain/catalog-admin.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { PriceLookup } from './domain/price-lookup.ts';
import { PricingService } from './domain/pricing-service.ts';
import { ProductService } from './domain/product-service.ts';
import { QuoteService, QuoteSweep } from './domain/quote-service.ts';
import { createLoaders, type CatalogLoaders } from './loaders.ts';
import { buildCatalogSchema } from './schema.ts';
import { seedCatalog } from './seed-catalog.ts';

export { readCatalogConfig, type CatalogConfig } from './config.ts';
export { seedCatalog, type SeedResult } from './seed-catalog.ts';
export { CatalogMigrations } from './db/migrations/index.ts';
export type { CatalogDatabase } from './db/types.ts';
export type { Clock } from './domain/clock.ts';
export type { VmSizeOffer } from './domain/product-service.ts';

export interface CatalogOptions {
  /** Defaults to the wall clock; tests pass a clock they can move. */
  readonly clock?: Clock;
}

/** The services, and fresh loaders per request over the same pool. */
function catalogServices(database: Database<CatalogDatabase>, config: CatalogConfig): CatalogServices & { loadersAt(now: Date): CatalogLoaders } {
  const { db } = database;
  const lookup = new PriceLookup(db);
  return {
    products: new ProductService(db),
    pricing: new PricingService(db, lookup),
    admin: new CatalogAdmin(db),
    quotes: new QuoteService(db, lookup, config.quoteValidityDays),
    // Background work stays out of requests' statement counts.
    quoteSweep: new QuoteSweep(database.background),
    loadersAt: (now) => createLoaders(db, now),
  };
}

/**
 * The catalog subgraph: products, effective-dated prices, VAT rates and quotes. start() migrates,
 * serves GraphQL, relays the outbox and sweeps expired quotes; stop() undoes all.
 */
export function createCatalogSubgraph(config: CatalogConfig, deps: SubgraphDeps, options: CatalogOptions = {}) {
  const clock = options.clock ?? systemClock;
  const subgraph = defineSubgraph({
    name: 'catalog',
    place: config,
    deps,
    migrations: CatalogMigrations,
    schema: buildCatalogSchema(),
    services: (database: Database<CatalogDatabase>) => catalogServices(database, config),
    context: (base, { loadersAt, ...services }): CatalogContext => {
      const now = clock();
      return { ...base, services, now, loaders: loadersAt(now) };
    },
    tasks: (database, services) => [
      new PeriodicTask({
        name: 'quote expiry sweep',
        intervalMs: config.quoteSweepIntervalMs,
        logger: deps.logger,
        singleton: advisoryLocks(database.background), // one replica at a time
        run: () => services.quoteSweep.run(clock()),
      }),
    ],
    outbox: config.outboxIntervalMs,
  });
  const { services } = subgraph;
  return {
    ...subgraph,
    /** Idempotent demo seed (see seedCatalog). */
    seed: () => seedCatalog(subgraph.db),
    /** Every active VM size (product id, SKU and shape), in SKU order: what a fleet is built from. */
    activeVmSizes: () => services.products.activeVmSizes(),
    /** One sweep now (the interval runs it too). */
    expireDueQuotes: (now: Date = clock()) => services.quoteSweep.run(now),
  };
}

export type CatalogSubgraph = ReturnType<typeof createCatalogSubgraph>;
