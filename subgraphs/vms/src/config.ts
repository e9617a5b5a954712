import { EnvReader, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export interface VmsConfig extends ServiceConfig {
  readonly databasePoolSize: number;
  /** Catalog's GraphQL endpoint (internalPrices, scope catalog:price). */
  readonly catalogUrl: string;
  /** Wallet's GraphQL endpoint (internal holds, scope wallet:hold). */
  readonly walletUrl: string;
  /** The simulated compute provider: how long a build takes and how often one fails (0–100 %). */
  readonly buildDelayMs: number;
  readonly buildFailurePercent: number;
  /** How long the provisioning hold lives (the wallet allows up to 7 days). */
  readonly holdTtlSeconds: number;
  /** An open saga untouched this long is taken over by the recovery pass. */
  readonly sagaStaleMs: number;
  readonly sagaRecoveryIntervalMs: number;
  readonly outboxIntervalMs: number;
  /** A RUNNING VM that reported before and has been silent this long gets a "no data" alert. */
  readonly alertNoDataSeconds: number;
  /** How often the "no data" scan runs. */
  readonly alertScanIntervalMs: number;
  /** Telemetry partitions: how often maintenance runs (create ahead, drop past retention) and how many days ahead it creates. */
  readonly telemetryMaintenanceIntervalMs: number;
  readonly telemetryPartitionDaysAhead: number;
  /** The rollup pass: how often it runs and how far behind the clock it stays (samples older than that are rolled up by ingest). */
  readonly telemetryRollupIntervalMs: number;
  readonly telemetryRollupLagMs: number;
  /**
   * OTLP batches ingested at once per process, how many may wait and for how long; beyond, 503 with
   * Retry-After (collectors retry). Half the pool by default, so dashboards' reads keep connections.
   */
  readonly telemetryIngestConcurrency: number;
  readonly telemetryIngestQueue: number;
  readonly telemetryIngestMaxWaitMs: number;
}

export function readVmsConfig(env: Env = process.env): VmsConfig {
  const r = new EnvReader(env);
  const databasePoolSize = r.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 });
  return Object.freeze({
    ...readServiceConfig('vms', 4005, env),
    databasePoolSize,
    catalogUrl: r.url('CATALOG_URL', 'http://127.0.0.1:4004/graphql'),
    walletUrl: r.url('WALLET_URL', 'http://127.0.0.1:4003/graphql'),
    buildDelayMs: r.int('VMS_BUILD_DELAY_MS', 3000, { min: 0, max: 3_600_000 }),
    buildFailurePercent: r.int('VMS_BUILD_FAILURE_PERCENT', 2, { min: 0, max: 100 }),
    holdTtlSeconds: r.int('VMS_HOLD_TTL_SECONDS', 86_400, { min: 60, max: 7 * 24 * 3600 }),
    sagaStaleMs: r.int('VMS_SAGA_STALE_MS', 30_000, { min: 0, max: 86_400_000 }),
    sagaRecoveryIntervalMs: r.int('VMS_SAGA_RECOVERY_MS', 15_000, { min: 50, max: 3_600_000 }),
    outboxIntervalMs: r.int('OUTBOX_INTERVAL_MS', 250, { min: 10, max: 3_600_000 }),
    alertNoDataSeconds: r.int('VMS_ALERT_NO_DATA_SECONDS', 120, { min: 20, max: 86_400 }),
    alertScanIntervalMs: r.int('VMS_ALERT_SCAN_MS', 30_000, { min: 50, max: 3_600_000 }),
    telemetryMaintenanceIntervalMs: r.int('TELEMETRY_MAINTENANCE_INTERVAL_MS', 3_600_000, { min: 1000, max: 86_400_000 }),
    telemetryPartitionDaysAhead: r.int('TELEMETRY_PARTITION_DAYS_AHEAD', 3, { min: 1, max: 60 }),
    telemetryRollupIntervalMs: r.int('TELEMETRY_ROLLUP_INTERVAL_MS', 60_000, { min: 1000, max: 3_600_000 }),
    telemetryRollupLagMs: r.int('TELEMETRY_ROLLUP_LAG_MS', 60_000, { min: 0, max: 3_600_000 }),
    telemetryIngestConcurrency: r.int('TELEMETRY_INGEST_CONCURRENCY', Math.max(1, Math.floor(databasePoolSize / 2)), { min: 1, max: 200 }),
    telemetryIngestQueue: r.int('TELEMETRY_INGEST_QUEUE', 64, { min: 0, max: 10_000 }),
    telemetryIngestMaxWaitMs: r.int('TELEMETRY_INGEST_MAX_WAIT_MS', 5000, { min: 0, max: 600_000 }),
  });
}
