import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one. Migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // What billing knows of each VM: its state as observed at instants (an event, or a reconciliation
  // pass). An observation is in force until the next one by time, so a late event simply slots in
  // and a duplicate (same source id) is ignored.
  await sql`
    create table vm_observations (
      id uuid primary key,
      source_id text not null unique,
      vm_id uuid not null,
      organization_id uuid not null,
      product_id uuid,
      observed_at timestamptz not null,
      running boolean not null,
      allocated boolean not null,
      vcpu integer not null,
      cpu_speed text not null,
      memory_gib integer not null,
      disk_gib integer not null,
      storage_tier text not null,
      source text not null,
      recorded_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index vm_observations_by_vm on vm_observations (vm_id, observed_at)`.execute(db);
  await sql`create index vm_observations_by_org on vm_observations (organization_id, vm_id, observed_at)`.execute(db);
  await sql`create index vm_observations_by_time on vm_observations (observed_at)`.execute(db);

  // Finalised bills: one per organisation and period. Numbers come from invoice_counter, updated in
  // the same transaction as the bill, so a rolled-back close consumes no number.
  await sql`
    create table bills (
      id uuid primary key,
      organization_id uuid not null,
      period_start timestamptz not null,
      period_end timestamptz not null,
      status text not null check (status in ('ISSUED', 'PAID', 'UNPAID')),
      invoice_number bigint not null unique,
      currency text not null,
      subtotal_minor bigint not null,
      vat_minor bigint not null,
      total_minor bigint not null,
      issued_at timestamptz not null,
      paid_at timestamptz,
      unpaid_since timestamptz,
      wallet_transaction_id uuid,
      suspended_at timestamptz,
      unique (organization_id, period_start)
    )`.execute(db);
  await sql`create index bills_by_organization on bills (organization_id, period_start desc, id)`.execute(db);
  await sql`create index bills_by_period on bills (period_start, organization_id)`.execute(db);
  await sql`create index bills_unsettled on bills (status, issued_at) where status <> 'PAID'`.execute(db);
  await sql`
    create table bill_lines (
      bill_id uuid not null references bills (id),
      position integer not null,
      vm_id uuid,
      product_id uuid,
      sku text not null,
      description text not null,
      quantity integer not null,
      unit text not null,
      unit_price_minor bigint not null,
      hours_millis bigint not null,
      amount_minor bigint not null,
      vat_bp integer not null,
      period_from timestamptz not null,
      period_to timestamptz not null,
      primary key (bill_id, position)
    )`.execute(db);
  await sql`
    create table invoice_counter (
      id boolean primary key default true check (id),
      last_number bigint not null
    )`.execute(db);
  await sql`insert into invoice_counter (id, last_number) values (true, 0)`.execute(db);

  // The outbox (events written with the change that causes them) and processed_events (consumeOnce).
  await sql`
    create table outbox (
      id uuid primary key,
      topic text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`.execute(db);
  await sql`create index outbox_pending on outbox (id) where published_at is null`.execute(db);
  await sql`
    create table processed_events (
      event_id uuid primary key,
      processed_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table processed_events, outbox, invoice_counter, bill_lines, bills, vm_observations`.execute(db);
}
