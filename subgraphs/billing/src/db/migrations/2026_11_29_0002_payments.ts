import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one. Migrations never import application code.
// Money is bigint minor units; every row names its organisation (tenancy is checked on it).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Commission: effective-dated rates per reseller, one statement per reseller per period.
  await sql`
    create table commission_rates (
      id uuid primary key,
      reseller_id uuid not null,
      tier text check (tier in ('BRONZE', 'SILVER', 'GOLD')),
      basis_points integer not null check (basis_points between 0 and 10000),
      effective_from timestamptz not null,
      set_by text not null,
      created_at timestamptz not null default now(),
      unique (reseller_id, effective_from)
    )`.execute(db);
  await sql`
    create table commission_statements (
      id uuid primary key,
      reseller_id uuid not null,
      period_start timestamptz not null,
      period_end timestamptz not null check (period_end > period_start),
      tier text check (tier in ('BRONZE', 'SILVER', 'GOLD')),
      basis_points integer not null check (basis_points between 0 and 10000),
      base_minor bigint not null check (base_minor >= 0),
      amount_minor bigint not null check (amount_minor >= 0),
      currency text not null,
      status text not null check (status in ('PENDING', 'APPROVED', 'PAID')),
      lines jsonb not null,
      computed_at timestamptz not null default now(),
      approved_at timestamptz,
      approved_by text,
      paid_at timestamptz,
      wallet_transaction_id uuid,
      unique (reseller_id, period_start)
    )`.execute(db);
  await sql`create index commission_statements_by_reseller on commission_statements (reseller_id, period_start desc, id)`.execute(db);

  // Top-ups: money in through the payment provider; the top-up id is the wallet's idempotency key.
  await sql`
    create table top_ups (
      id uuid primary key,
      organization_id uuid not null,
      amount_minor bigint not null check (amount_minor > 0),
      currency text not null,
      status text not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED', 'EXPIRED', 'REFUNDED')),
      idempotency_key text,
      requested_by text not null,
      provider text not null,
      provider_reference text,
      checkout_url text,
      failure_reason text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      completed_at timestamptz,
      credited_at timestamptz,
      refunded_at timestamptz,
      refund_posted_at timestamptz,
      wallet_problem text,
      unique (organization_id, idempotency_key)
    )`.execute(db);
  await sql`create index top_ups_by_organization on top_ups (organization_id, id desc)`.execute(db);
  await sql`create index top_ups_pending on top_ups (expires_at) where status = 'PENDING'`.execute(db);
  await sql`create index top_ups_unposted on top_ups (id) where (status = 'SUCCEEDED' and credited_at is null) or (status = 'REFUNDED' and refund_posted_at is null)`.execute(
    db,
  );
  // One row per provider event id: a redelivered or replayed event is recognised and changes nothing.
  await sql`
    create table payment_webhook_events (
      provider text not null,
      event_id text not null,
      type text not null,
      top_up_id uuid,
      received_at timestamptz not null default now(),
      primary key (provider, event_id)
    )`.execute(db);

  // Budgets: one monthly amount per organisation, each threshold reached once per period.
  await sql`
    create table budgets (
      organization_id uuid primary key,
      amount_minor bigint not null check (amount_minor > 0),
      currency text not null,
      set_by text not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table budget_thresholds_reached (
      organization_id uuid not null,
      period_start timestamptz not null,
      threshold_percent integer not null,
      budget_minor bigint not null,
      spent_minor bigint not null,
      reached_at timestamptz not null default now(),
      primary key (organization_id, period_start, threshold_percent)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table budget_thresholds_reached, budgets, payment_webhook_events, top_ups, commission_statements, commission_rates`.execute(db);
}
