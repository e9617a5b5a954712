import type { Generated } from 'kysely';

// Tables of migration 0002 (commission, top-ups, webhook events, budgets). bigint columns arrive as strings.

export interface CommissionRatesTable {
  id: string;
  reseller_id: string;
  tier: string | null;
  basis_points: number;
  effective_from: Date;
  set_by: string;
  created_at: Generated<Date>;
}

export interface CommissionStatementsTable {
  id: string;
  reseller_id: string;
  period_start: Date;
  period_end: Date;
  tier: string | null;
  basis_points: number;
  base_minor: string | bigint;
  amount_minor: string | bigint;
  currency: string;
  status: string;
  lines: unknown;
  computed_at: Generated<Date>;
  approved_at: Date | null;
  approved_by: string | null;
  paid_at: Date | null;
  wallet_transaction_id: string | null;
}

export interface TopUpsTable {
  id: string;
  organization_id: string;
  amount_minor: string | bigint;
  currency: string;
  status: string;
  idempotency_key: string | null;
  requested_by: string;
  provider: string;
  provider_reference: string | null;
  checkout_url: string | null;
  failure_reason: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
  completed_at: Date | null;
  credited_at: Date | null;
  refunded_at: Date | null;
  refund_posted_at: Date | null;
  wallet_problem: string | null;
}

export interface PaymentWebhookEventsTable {
  provider: string;
  event_id: string;
  type: string;
  top_up_id: string | null;
  received_at: Generated<Date>;
}

export interface BudgetsTable {
  organization_id: string;
  amount_minor: string | bigint;
  currency: string;
  set_by: string;
  updated_at: Generated<Date>;
}

export interface BudgetThresholdsReachedTable {
  organization_id: string;
  period_start: Date;
  threshold_percent: number;
  budget_minor: string | bigint;
  spent_minor: string | bigint;
  reached_at: Generated<Date>;
}

export interface PaymentsTables {
  commission_rates: CommissionRatesTable;
  commission_statements: CommissionStatementsTable;
  top_ups: TopUpsTable;
  payment_webhook_events: PaymentWebhookEventsTable;
  budgets: BudgetsTable;
  budget_thresholds_reached: BudgetThresholdsReachedTable;
}
