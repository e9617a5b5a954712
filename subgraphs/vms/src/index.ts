import { createDatabase, migrateToLatest, OutboxRelay, startSubgraphServer, type RunningServer, type SubgraphDeps } from '@platform/kernel';
import type { VmsConfig } from './config.ts';
import type { VmsContext } from './context.ts';
import { VmsMigrations } from './db/migrations/index.ts';
import type { VmsDatabase } from './db/types.ts';
import { insertVmsIgnoringExisting } from './db/vm-repository.ts';
import { simulatedComputeProvider, type ComputeProvider } from './domain/compute-provider.ts';
import { generateFleet, type FleetCustomer, type FleetProduct } from './domain/fleet-seed.ts';
import { InventoryImport } from './domain/inventory-import.ts';
import { Lifecycle } from './domain/lifecycle-service.ts';
import type { PricingPort, WalletPort } from './domain/ports.ts';
import { Provisioning, type SagaHooks } from './domain/provisioning.ts';
import { createLoaders } from './loaders.ts';
import { catalogPricing } from './remote/catalog-pricing.ts';
import { walletHolds } from './remote/wallet-holds.ts';
import { buildVmsSchema } from './schema.ts';
import type { VmsServices } from './services.ts';

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
 * The vms subgraph's composition root: VM inventory, lifecycle and the provisioning saga. start()
 * migrates, serves GraphQL, relays the outbox and runs the saga recovery pass (now and periodically);
 * stop() undoes all, letting in-flight sagas reach a resting state first.
 */
export function createVmsSubgraph(config: VmsConfig, deps: SubgraphDeps, options: VmsOptions = {}) {
  const logger = deps.logger;
  const database = createDatabase<VmsDatabase>({ url: config.databaseUrl, logger, onQuery: deps.onQuery, maxConnections: config.databasePoolSize });
  const db = database.db;
  const compute = options.compute ?? simulatedComputeProvider({ buildDelayMs: config.buildDelayMs, failurePercent: config.buildFailurePercent });
  const provisioning = new Provisioning(db, database.background, {
    pricing: options.pricing ?? catalogPricing(config.catalogUrl, deps.serviceTokens),
    wallet: options.wallet ?? walletHolds(config.walletUrl, deps.serviceTokens),
    compute,
    logger,
    holdTtlSeconds: config.holdTtlSeconds,
    staleAfterMs: config.sagaStaleMs,
    hooks: options.hooks,
  });
  const services: VmsServices = { provisioning, lifecycle: new Lifecycle(db, compute), inventory: new InventoryImport(db) };
  const relay = new OutboxRelay(database.background, deps.eventBus, logger, config.outboxIntervalMs);
  let server: RunningServer | undefined;
  let recoveryTimer: NodeJS.Timeout | undefined;

  const scheduleRecovery = (delayMs: number) => {
    recoveryTimer = setTimeout(() => {
      provisioning
        .recover()
        .then((n) => n > 0 && logger.info('provisioning sagas taken over', { count: n }))
        .catch((error) => logger.warn('saga recovery pass failed; will retry', { error }))
        .finally(() => recoveryTimer !== undefined && scheduleRecovery(config.sagaRecoveryIntervalMs));
    }, delayMs);
    recoveryTimer.unref();
  };

  return {
    db,
    provisioning,
    async migrate(): Promise<void> {
      await migrateToLatest(db, VmsMigrations);
    },
    /** Seeds a demo fleet (fixed ids: a second run adds nothing). Returns how many VMs were added. */
    async seedFleet(customers: readonly FleetCustomer[], products: readonly FleetProduct[], total: number): Promise<number> {
      await migrateToLatest(db, VmsMigrations);
      return insertVmsIgnoringExisting(db, generateFleet(customers, products, total));
    },
    async start(): Promise<RunningServer> {
      await migrateToLatest(db, VmsMigrations);
      server = await startSubgraphServer<VmsContext>({
        name: 'vms',
        schema: buildVmsSchema(),
        port: config.port,
        host: config.host,
        logger,
        verifyToken: deps.verifyToken,
        orgDirectory: deps.orgDirectory,
        extendContext: (base) => ({ ...base, services, loaders: createLoaders(db) }),
        ready: () => database.ping(),
      });
      relay.start();
      scheduleRecovery(0); // sagas a previous process left open are resumed or compensated now
      return server;
    },
    async stop(): Promise<void> {
      clearTimeout(recoveryTimer);
      recoveryTimer = undefined;
      await server?.stop();
      await provisioning.stop();
      await relay.stop();
      await database.close();
    },
  };
}

export type VmsSubgraph = ReturnType<typeof createVmsSubgraph>;
