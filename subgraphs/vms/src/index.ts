import { byIdLoader, defineSubgraph, InMemoryLiveChannel, isUuid, PeriodicTask, type Database, type SubgraphDeps } from '@platform/kernel';
import type { VmsConfig } from './config.ts';
import type { VmsContext, VmsServices } from './context.ts';
import { VmsMigrations } from './db/migrations/index.ts';
import type { VmsDatabase } from './db/types.ts';
import { findVmsByIds, insertVmsIgnoringExisting } from './db/vm-repository.ts';
import { simulatedComputeProvider, type ComputeProvider } from './domain/compute-provider.ts';
import { generateFleet, type FleetCustomer, type FleetProduct } from './domain/fleet-seed.ts';
import { InventoryImport } from './domain/inventory-import.ts';
import { Lifecycle } from './domain/lifecycle-service.ts';
import type { PricingPort, WalletPort } from './domain/ports.ts';
import { Provisioning, type SagaHooks } from './domain/provisioning.ts';
import { vcenterImportRoute } from './http/import-route.ts';
import { LiveHub } from './live/live-hub.ts';
import { liveSamplePublisher } from './live/sample-publisher.ts';
import { liveStatusFeed } from './live/status-feed.ts';
import { createLoaders } from './loaders.ts';
import { catalogPricing } from './remote/catalog-pricing.ts';
import { walletHolds } from './remote/wallet-holds.ts';
import { buildVmsSchema } from './schema.ts';

export { readVmsConfig, type VmsConfig } from './config.ts';
export type { VmsDatabase } from './db/types.ts';
export { VmsMigrations } from './db/migrations/index.ts';
export { BuildFailedError, simulatedComputeProvider, type BuildRequest, type BuiltVm, type ComputeProvider } from './domain/compute-provider.ts';
export type { FleetCustomer, FleetProduct } from './domain/fleet-seed.ts';
export type { SagaHooks } from './domain/provisioning.ts';

export interface VmsOptions {
  /** Where VMs are built; the simulator (config VMS_BUILD_*) when absent. */
  readonly compute?: ComputeProvider;
  /** Test-only seams between saga steps. */
  readonly hooks?: SagaHooks;
  /** Replace the HTTP clients of catalog and wallet (tests of one subgraph alone). */
  readonly pricing?: PricingPort;
  readonly wallet?: WalletPort;
}

/**
 * The vms subgraph: VM inventory, lifecycle and the provisioning saga. Besides serving, it relays its
 * outbox and runs the saga recovery pass (at start, then periodically); stop lets in-flight sagas
 * reach a resting state before the pool closes.
 */
export function createVmsSubgraph(config: VmsConfig, deps: SubgraphDeps, options: VmsOptions = {}) {
  const subgraph = defineSubgraph({
    name: 'vms',
    place: config,
    deps,
    migrations: VmsMigrations,
    schema: buildVmsSchema(),
    poolSize: config.databasePoolSize,
    outbox: config.outboxIntervalMs,
    services: (database: Database<VmsDatabase>) => {
      const compute = options.compute ?? simulatedComputeProvider({ buildDelayMs: config.buildDelayMs, failurePercent: config.buildFailurePercent });
      const pricing = options.pricing ?? catalogPricing(config.catalogUrl, deps.serviceTokens);
      const wallet = options.wallet ?? walletHolds(config.walletUrl, deps.serviceTokens);
      const provisioning = new Provisioning(database.db, database.background, {
        pricing,
        wallet,
        compute,
        logger: deps.logger,
        holdTtlSeconds: config.holdTtlSeconds,
        staleAfterMs: config.sagaStaleMs,
        hooks: options.hooks,
      });
      const services: VmsServices = {
        provisioning,
        lifecycle: new Lifecycle(database.db, { compute, pricing, wallet, logger: deps.logger, holdTtlSeconds: config.holdTtlSeconds }),
        inventory: new InventoryImport(database.db),
        live: new LiveHub(deps.liveChannel ?? new InMemoryLiveChannel(), deps.logger),
        // Subscriptions start in bursts (a gateway resubscribing after a reload): one statement per burst.
        liveVmLookup: byIdLoader(
          (ids) => findVmsByIds(database.db, ids),
          (vm) => vm.id,
          isUuid,
          { batchWindowMs: 5 },
        ),
      };
      return { ...services, loaders: () => createLoaders(database.db) };
    },
    context: (base, { loaders, ...services }): VmsContext => ({ ...base, services, loaders: loaders() }),
    routes: ({ inventory }) => [vcenterImportRoute(inventory, { verifyToken: deps.verifyToken, orgDirectory: deps.orgDirectory, logger: deps.logger })],
    tasks: (_database, { provisioning }) => [
      // First pass at once: sagas a previous process left open are resumed or compensated.
      new PeriodicTask({
        name: 'saga recovery',
        intervalMs: config.sagaRecoveryIntervalMs,
        firstDelayMs: 0,
        logger: deps.logger,
        run: async () => {
          const taken = await provisioning.recover();
          if (taken > 0) deps.logger.info('provisioning sagas taken over', { count: taken });
        },
      }),
    ],
    consumers: (_database, { live }) => [liveStatusFeed(live)],
    stopServices: async ({ provisioning, live }) => {
      live.close();
      await provisioning.stop();
    },
  });
  return {
    ...subgraph,
    provisioning: subgraph.services.provisioning,
    /** Register with telemetry ingest: publishes each committed sample to virtualMachineMetrics subscribers. */
    liveSamples: liveSamplePublisher(subgraph.services.live),
    /** Seeds a demo fleet (fixed ids: a second run adds nothing). Returns how many VMs were added. */
    async seedFleet(customers: readonly FleetCustomer[], products: readonly FleetProduct[], total: number): Promise<number> {
      await subgraph.migrate();
      return insertVmsIgnoringExisting(subgraph.db, generateFleet(customers, products, total));
    },
  };
}

export type VmsSubgraph = ReturnType<typeof createVmsSubgraph>;
