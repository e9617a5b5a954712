import {
  advisoryLocks,
  byIdLoader,
  ConcurrencyGate,
  defineSubgraph,
  InMemoryLiveChannel,
  isUuid,
  PeriodicTask,
  type Database,
  type SubgraphDeps,
} from '@platform/kernel';
import type { VmsConfig } from './config.ts';
import type { VmsContext, VmsServices } from './context.ts';
import { VmsMigrations } from './db/migrations/index.ts';
import type { VmsDatabase } from './db/types.ts';
import { findVmsByIds, insertVmsIgnoringExisting } from './db/vm-repository.ts';
import { simulatedComputeProvider, type ComputeProvider } from './domain/compute-provider.ts';
import { generateFleet, type FleetCustomer, type FleetProduct } from './domain/fleet-seed.ts';
import { Alerts } from './domain/alerts/alert-service.ts';
import { AlertEvaluator } from './domain/alerts/evaluator.ts';
import { NoDataScanner } from './domain/alerts/no-data.ts';
import { AlertTransitions } from './domain/alerts/transitions.ts';
import { InventoryImport } from './domain/inventory-import.ts';
import { Lifecycle } from './domain/lifecycle-service.ts';
import type { PricingPort, WalletPort } from './domain/ports.ts';
import { Provisioning, type SagaHooks } from './domain/provisioning.ts';
import { runningVmIds } from './db/telemetry-repository.ts';
import { backfillDemoTelemetry, type BackfillReport } from './domain/telemetry/backfill.ts';
import { TelemetryIngest } from './domain/telemetry/ingest-service.ts';
import { TelemetryPartitions } from './domain/telemetry/partition-maintenance.ts';
import { TelemetryRollups } from './domain/telemetry/rollup-pass.ts';
import type { SampleListener } from './domain/telemetry/samples.ts';
import { vcenterImportRoute } from './http/import-route.ts';
import { otlpMetricsRoute } from './http/otlp-route.ts';
import { LiveHub } from './live/live-hub.ts';
import { liveSamplePublisher } from './live/sample-publisher.ts';
import { liveAlertFeed } from './live/alert-feed.ts';
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
export type { AlertTransitionListener } from './domain/alerts/transitions.ts';
export type { AlertTransition, LoggedAlertTransition } from './domain/alerts/alert.ts';
export type { IngestedSample, MetricName, OpenAlertsSource, OpenAlertSummary, SampleListener } from './domain/telemetry/samples.ts';
export { METRIC_NAMES } from './domain/telemetry/samples.ts';
export { encodeOtlpMetrics, type OutgoingSample } from './domain/telemetry/otlp-encode.ts';
export { decodeOtlpMetrics } from './domain/telemetry/otlp-decode.ts';
export { profileOf, simulatedSample, type VmProfile } from './domain/telemetry/simulator.ts';
export type { BackfillReport } from './domain/telemetry/backfill.ts';

export interface VmsOptions {
  /** Where VMs are built; the simulator (config VMS_BUILD_*) when absent. */
  readonly compute?: ComputeProvider;
  /** Test-only seams between saga steps. */
  readonly hooks?: SagaHooks;
  /** Replace the HTTP clients of catalog and wallet (tests of one subgraph alone). */
  readonly pricing?: PricingPort;
  readonly wallet?: WalletPort;
  /** Called after every committed telemetry batch (alert evaluation, live charts); more with `telemetry.addListener`. */
  readonly sampleListeners?: readonly SampleListener[];
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
      const alertTransitions = new AlertTransitions(deps.logger);
      const telemetryPartitions = new TelemetryPartitions(database.db, deps.logger, config.telemetryPartitionDaysAhead);
      // Last-seen times (ingest records them with the samples; the no-data scan reads them) are written at most
      // every min(60 s, half the no-data time): most batches write none.
      const seenGranularitySeconds = Math.min(60, Math.floor(config.alertNoDataSeconds / 2));
      const telemetry = new TelemetryIngest(database.db, database.pool, telemetryPartitions, deps.logger, seenGranularitySeconds);
      const telemetryRollups = new TelemetryRollups(database.background, deps.logger, config.telemetryRollupLagMs);
      for (const listener of options.sampleListeners ?? []) telemetry.addListener(listener);
      const services: VmsServices = {
        provisioning,
        lifecycle: new Lifecycle(database.db, { compute, pricing, wallet, logger: deps.logger, holdTtlSeconds: config.holdTtlSeconds }),
        inventory: new InventoryImport(database.db),
        alerts: new Alerts(database.db, alertTransitions),
        telemetry,
        telemetryPartitions,
        telemetryRollups,
        live: new LiveHub(deps.liveChannel ?? new InMemoryLiveChannel(), deps.logger),
        // Subscriptions start in bursts (a gateway resubscribing after a reload): one statement per burst.
        liveVmLookup: byIdLoader(
          (ids) => findVmsByIds(database.db, ids),
          (vm) => vm.id,
          isUuid,
          { batchWindowMs: 5 },
        ),
      };
      // Alerting works on the background pool: evaluation runs after an ingest answers nothing per request.
      const alerting = {
        transitions: alertTransitions,
        evaluator: new AlertEvaluator(database.background, alertTransitions, seenGranularitySeconds),
        noData: new NoDataScanner(database.background, alertTransitions, { afterSeconds: config.alertNoDataSeconds, seenGranularitySeconds }),
      };
      // Rules are evaluated as samples arrive: the evaluator hears every committed ingest batch.
      telemetry.addListener(alerting.evaluator);
      // Live charts: every committed sample goes to this VM's virtualMachineMetrics subscribers.
      const liveSamples = liveSamplePublisher(services.live);
      telemetry.addListener(liveSamples);
      return { ...services, alerting, liveSamples, loaders: () => createLoaders(database.db, services.alerts) };
    },
    context: (base, { loaders, alerting: _alerting, liveSamples: _liveSamples, ...services }): VmsContext => ({ ...base, services, loaders: loaders() }),
    routes: ({ inventory, telemetry }) => [
      vcenterImportRoute(inventory, { verifyToken: deps.verifyToken, orgDirectory: deps.orgDirectory, logger: deps.logger }),
      otlpMetricsRoute(telemetry, {
        verifyToken: deps.verifyToken,
        orgDirectory: deps.orgDirectory,
        logger: deps.logger,
        gate: new ConcurrencyGate(config.telemetryIngestConcurrency, config.telemetryIngestQueue, config.telemetryIngestMaxWaitMs),
      }),
    ],
    // Today's partitions (and a few days ahead) exist before the first sample can arrive.
    beforeStart: async ({ telemetryPartitions }) => {
      await telemetryPartitions.maintain();
    },
    // Singleton work: with several replicas, each pass runs on whichever holds its advisory lock.
    tasks: (database, { provisioning, alerting, telemetryPartitions, telemetryRollups }) => {
      const singleton = advisoryLocks(database.background);
      return [
        // Rollups are built from raw for closed windows here, not in every ingest (see rollup-pass.ts).
        new PeriodicTask({
          name: 'telemetry rollups',
          intervalMs: config.telemetryRollupIntervalMs,
          logger: deps.logger,
          singleton,
          run: () => telemetryRollups.rollUp(),
        }),
        new PeriodicTask({
          name: 'alert no-data scan',
          intervalMs: config.alertScanIntervalMs,
          logger: deps.logger,
          singleton,
          run: () => alerting.noData.scan(),
        }),
        new PeriodicTask({
          name: 'telemetry partitions',
          intervalMs: config.telemetryMaintenanceIntervalMs,
          logger: deps.logger,
          singleton,
          run: () => telemetryPartitions.maintain(),
        }),
        // First pass at once: sagas a previous process left open are resumed or compensated.
        new PeriodicTask({
          name: 'saga recovery',
          intervalMs: config.sagaRecoveryIntervalMs,
          firstDelayMs: 0,
          logger: deps.logger,
          singleton,
          run: async () => {
            const taken = await provisioning.recover();
            if (taken > 0) deps.logger.info('provisioning sagas taken over', { count: taken });
          },
        }),
      ];
    },
    consumers: (database, { live }) => [liveStatusFeed(live), liveAlertFeed(live, database.db)],
    stopServices: async ({ provisioning, live }) => {
      live.close();
      await provisioning.stop();
    },
  });
  return {
    ...subgraph,
    provisioning: subgraph.services.provisioning,
    /**
     * Alerting's seams: `evaluator` is the SampleListener the telemetry ingest calls after each committed
     * batch; `openAlerts` is the OpenAlertsSource VM health reads; `transitions.add(listener)` hears every
     * committed alert transition in-process; `alerts.listAfter(orgIds, seq, limit)` replays the log.
     */
    alerting: {
      evaluator: subgraph.services.alerting.evaluator,
      noData: subgraph.services.alerting.noData,
      transitions: subgraph.services.alerting.transitions,
      openAlerts: subgraph.services.alerts,
      alerts: subgraph.services.alerts,
    },
    /** Telemetry ingest: `addListener(listener)` registers a SampleListener. */
    telemetry: subgraph.services.telemetry,
    /** The RUNNING VMs' ids: what the telemetry simulator reports on (as a vCenter knows its VMs). */
    runningVmIds: () => runningVmIds(subgraph.database.background),
    /** Demo history for RUNNING VMs that have none (first start); idempotent. */
    backfillDemoTelemetry: (options: { now?: Date; fiveMinuteHours?: number; hourDays?: number; shouldStop?: () => boolean } = {}): Promise<BackfillReport> =>
      backfillDemoTelemetry(subgraph.database.background, subgraph.services.telemetryPartitions, options),
    /** The SampleListener ingest calls to publish each committed sample to virtualMachineMetrics subscribers. */
    liveSamples: subgraph.services.liveSamples,
    /** Live subscriptions this replica holds (status, samples, alert events): tests and benchmarks. */
    liveSubscriptions: (): number => subgraph.services.live.subscriptions,
    /** Seeds a demo fleet (fixed ids: a second run adds nothing). Returns how many VMs were added. */
    async seedFleet(customers: readonly FleetCustomer[], products: readonly FleetProduct[], total: number): Promise<number> {
      await subgraph.migrate();
      return insertVmsIgnoringExisting(subgraph.db, generateFleet(customers, products, total));
    },
  };
}

export type VmsSubgraph = ReturnType<typeof createVmsSubgraph>;
