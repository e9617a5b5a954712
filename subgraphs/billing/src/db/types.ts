import type { OutboxTables } from '@platform/kernel';
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { PaymentsTables } from './payments-tables.ts';

export interface VmObservationsTable {
  id: string;
  source_id: string;
  vm_id: string;
  organization_id: string;
  product_id: string | null;
  observed_at: Date;
  running: boolean;
  allocated: boolean;
  vcpu: number;
  cpu_speed: string;
  memory_gib: number;
  disk_gib: number;
  storage_tier: string;
  /** SKUs of LICENCE products; empty for observations from before migration 0005. */
  licences: ColumnType<string[], string[] | undefined, string[]>;
  /** SKUs of ADD_ON products. */
  add_ons: ColumnType<string[], string[] | undefined, string[]>;
  source: string;
  recorded_at: Generated<Date>;
}

/** Bumped with every write to an organisation's observations (a trigger), so cached rated usage knows it is stale. */
export interface UsageVersionsTable {
  organization_id: string;
  version: string;
}

export interface BillsTable {
  id: string;
  organization_id: string;
  period_start: Date;
  period_end: Date;
  status: 'ISSUED' | 'PAID' | 'UNPAID';
  invoice_number: string | number | bigint;
  currency: string;
  subtotal_minor: string | bigint;
  vat_minor: string | bigint;
  total_minor: string | bigint;
  issued_at: Date;
  paid_at: Date | null;
  unpaid_since: Date | null;
  wallet_transaction_id: string | null;
  suspended_at: Date | null;
  suspension_lifted_at: Date | null;
}

export interface BillLinesTable {
  bill_id: string;
  position: number;
  vm_id: string | null;
  product_id: string | null;
  sku: string;
  description: string;
  quantity: number;
  unit: string;
  unit_price_minor: string | bigint;
  hours_millis: string | bigint;
  amount_minor: string | bigint;
  vat_bp: number;
  period_from: Date;
  period_to: Date;
}

export interface InvoiceCounterTable {
  id: boolean;
  last_number: string | number | bigint;
}

/** The billing database as kysely sees it; the outbox tables come with every subgraph. */
export interface BillingDatabase extends OutboxTables, PaymentsTables {
  vm_observations: VmObservationsTable;
  usage_versions: UsageVersionsTable;
  bills: BillsTable;
  bill_lines: BillLinesTable;
  invoice_counter: InvoiceCounterTable;
}

/** What services hold: they pass it (or a transaction) to repositories and never build a query. */
export type BillingDb = Kysely<BillingDatabase>;
