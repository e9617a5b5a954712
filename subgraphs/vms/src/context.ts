import type { TelemetryRollups } from './domain/telemetry/rollup-pass.ts';
import type { RequestContext } from '@platform/kernel';
import type { Alerts } from './domain/alerts/alert-service.ts';
import type { InventoryImport } from './domain/inventory-import.ts';
import type { Lifecycle } from './domain/lifecycle-service.ts';
import type { Provisioning } from './domain/provisioning.ts';
import type { TelemetryIngest } from './domain/telemetry/ingest-service.ts';
import type { TelemetryPartitions } from './domain/telemetry/partition-maintenance.ts';
import type DataLoader from 'dataloader';
import type { Vm } from './domain/vm.ts';
import type { LiveHub } from './live/live-hub.ts';
import type { VmsLoaders } from './loaders.ts';

/** The domain services a request reaches (one set per process). */
export interface VmsServices {
  readonly provisioning: Provisioning;
  readonly lifecycle: Lifecycle;
  readonly inventory: InventoryImport;
  readonly alerts: Alerts;
  readonly telemetry: TelemetryIngest;
  readonly telemetryPartitions: TelemetryPartitions;
  /** Builds the rollup tiers from raw (a periodic task; tests call it directly). */
  readonly telemetryRollups: TelemetryRollups;
  /** This replica's live subscriptions (status changes, samples). */
  readonly live: LiveHub;
  /** VMs by id for subscription starts, batched across connections (no cache). */
  readonly liveVmLookup: DataLoader<string, Vm | null>;
}

export interface VmsContext extends RequestContext {
  readonly services: VmsServices;
  readonly loaders: VmsLoaders;
}
