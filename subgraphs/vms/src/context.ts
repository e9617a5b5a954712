import type { RequestContext } from '@platform/kernel';
import type { Alerts } from './domain/alerts/alert-service.ts';
import type { InventoryImport } from './domain/inventory-import.ts';
import type { Lifecycle } from './domain/lifecycle-service.ts';
import type { Provisioning } from './domain/provisioning.ts';
import type { TelemetryIngest } from './domain/telemetry/ingest-service.ts';
import type { TelemetryPartitions } from './domain/telemetry/partition-maintenance.ts';
import type { VmsLoaders } from './loaders.ts';

/** The domain services a request reaches (one set per process). */
export interface VmsServices {
  readonly provisioning: Provisioning;
  readonly lifecycle: Lifecycle;
  readonly inventory: InventoryImport;
  readonly alerts: Alerts;
  readonly telemetry: TelemetryIngest;
  readonly telemetryPartitions: TelemetryPartitions;
}

export interface VmsContext extends RequestContext {
  readonly services: VmsServices;
  readonly loaders: VmsLoaders;
}
