import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { OutboxTables } from '@platform/kernel';

/** PostgreSQL bigint: pg hands it over as a string; bigint or string goes in. */
type Minor = ColumnType<string, bigint | string, bigint | string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface VirtualMachinesTable {
  id: string;
  organization_id: string;
  /** The organisation's ancestors from the root, then the organisation itself: a subtree is `org_path @> array[id]`. */
  org_path: ColumnType<string[], string[], string[]>;
  name: string;
  product_id: string | null;
  vcpu: number | null;
  cpu_speed: string;
  memory_mib: number | null;
  disk_gib: number;
  storage_tier: string;
  guest_os: string;
  /** SKUs of LICENCE products; empty for VMs from before migration 0006. */
  licences: ColumnType<string[], string[] | undefined, string[]>;
  /** SKUs of ADD_ON products. */
  add_ons: ColumnType<string[], string[] | undefined, string[]>;
  power_state: string;
  status: string;
  status_reason: string | null;
  ip_address: string | null;
  resource_pool: string | null;
  instance_uuid: string | null;
  /** The vCenter an imported VM came from. */
  source: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VmEventsTable {
  id: string;
  vm_id: string;
  organization_id: string;
  kind: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  detail: string | null;
  at: Timestamp;
}

export interface ProvisionSagasTable {
  id: string;
  organization_id: string;
  idempotency_key: string;
  request_hash: string;
  /** The validated request, with the resolved spec and the organisation path (JSON). */
  request: ColumnType<unknown, string, string>;
  state: string;
  /** Bumped when a REJECTED saga is retried: part of the hold's idempotency key. */
  attempt: Generated<number>;
  price_minor: Minor;
  currency: string;
  hold_id: string | null;
  vm_id: string | null;
  ip_address: string | null;
  error_code: string | null;
  error_message: string | null;
  /** The replica driving the saga, and until when (database time) unless it renews: see saga-lease.ts. */
  lease_owner: string | null;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VmOperationsTable {
  vm_id: string;
  idempotency_key: string;
  action: string;
  request_hash: string;
  /** The VM as the operation answered it (a VmRow as JSON). */
  result: ColumnType<unknown, string, string>;
  created_at: Generated<Timestamp>;
}

export interface AlertRulesTable {
  id: string;
  organization_id: string;
  vm_id: string | null;
  metric: string;
  comparator: string;
  threshold: number;
  for_seconds: number;
  severity: string;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AlertsTable {
  id: string;
  organization_id: string;
  org_path: ColumnType<string[], string[], string[]>;
  vm_id: string;
  kind: string;
  rule_key: string;
  rule_id: string | null;
  metric: string | null;
  comparator: string | null;
  threshold: number | null;
  for_seconds: number;
  severity: string;
  status: string;
  value: number | null;
  started_at: Timestamp;
  fired_at: Timestamp | null;
  respond_by: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  resolved_at: Timestamp | null;
  resolution: string | null;
  evaluated_at: Timestamp;
  clear_since: Timestamp | null;
  updated_at: Generated<Date>;
}

export interface AlertEventsTable {
  seq: ColumnType<string, never, never>;
  alert_id: string;
  organization_id: string;
  org_path: ColumnType<string[], string[], string[]>;
  vm_id: string;
  from_status: string | null;
  to_status: string;
  severity: string;
  at: Timestamp;
}

export interface VmTelemetrySeenTable {
  vm_id: string;
  organization_id: string;
  org_path: ColumnType<string[], string[], string[]>;
  last_sample_at: Timestamp;
}

export interface VmsDatabase extends OutboxTables {
  alert_rules: AlertRulesTable;
  alert_rule_seeds: { organization_id: string; seeded_at: Generated<Date> };
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  vm_telemetry_seen: VmTelemetrySeenTable;
  vm_operations: VmOperationsTable;
  virtual_machines: VirtualMachinesTable;
  vm_events: VmEventsTable;
  provision_sagas: ProvisionSagasTable;
}

/** What a repository function takes first: the pool, or the transaction its caller owns. */
export type VmsDb = Kysely<VmsDatabase> | Transaction<VmsDatabase>;
