import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one.
//
// The ledger: accounts, an append-only journal of transfers between two accounts, two-phase
// holds, idempotency keys, and the outbox. The database itself refuses what must never happen:
// a wallet below its floor, a non-positive transfer, a changed or deleted transfer, a hold
// resolved twice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table accounts (
      id uuid primary key,
      kind text not null check (kind in ('WALLET', 'REVENUE', 'COMMISSION', 'EXTERNAL', 'ADJUSTMENT')),
      organization_id uuid unique,
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      balance bigint not null default 0,
      held bigint not null default 0,
      credit_limit bigint not null default 0,
      low_balance_threshold bigint,
      created_at timestamptz not null default now(),
      constraint accounts_wallet_has_organization check ((kind = 'WALLET') = (organization_id is not null)),
      constraint accounts_held_not_negative check (held >= 0),
      constraint accounts_credit_limit_not_negative check (credit_limit >= 0),
      constraint accounts_threshold_not_negative check (low_balance_threshold >= 0),
      constraint accounts_wallet_balance_floor check (balance >= -credit_limit),
      constraint accounts_wallet_available_floor check (balance - held >= -credit_limit),
      -- System accounts take part in every capture and bill payment; a running balance on them
      -- would be one row every posting in the platform waits for. Their balance is the sum of
      -- their journal instead, and this keeps the columns from pretending otherwise.
      constraint accounts_system_balance_from_journal check (kind = 'WALLET' or (balance = 0 and held = 0 and credit_limit = 0))
    )`.execute(db);
  await sql`
    insert into accounts (id, kind, currency) values
      ('00000000-0000-7000-8000-000000000001', 'REVENUE', 'ZAR'),
      ('00000000-0000-7000-8000-000000000002', 'COMMISSION', 'ZAR'),
      ('00000000-0000-7000-8000-000000000003', 'EXTERNAL', 'ZAR'),
      ('00000000-0000-7000-8000-000000000004', 'ADJUSTMENT', 'ZAR')`.execute(db);

  await sql`
    create table holds (
      id uuid primary key,
      wallet_id uuid not null references accounts (id),
      credit_account_id uuid not null references accounts (id),
      amount bigint not null check (amount > 0),
      currency text not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'CAPTURED', 'RELEASED', 'EXPIRED')),
      captured_amount bigint,
      description text,
      reference text,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      constraint holds_two_accounts check (wallet_id <> credit_account_id),
      constraint holds_captured_amount check ((status = 'CAPTURED') = (captured_amount is not null) and (captured_amount is null or captured_amount between 1 and amount)),
      constraint holds_resolved_at check ((status = 'PENDING') = (resolved_at is null))
    )`.execute(db);
  await sql`create index holds_by_wallet on holds (wallet_id, status, id)`.execute(db);
  await sql`create index holds_due on holds (expires_at) where status = 'PENDING'`.execute(db);

  await sql`
    create table transfers (
      id uuid primary key,
      kind text not null check (kind in ('TOP_UP', 'ADJUSTMENT', 'HOLD_CAPTURE', 'BILL_PAYMENT', 'COMMISSION', 'TRANSFER')),
      debit_account_id uuid not null references accounts (id),
      credit_account_id uuid not null references accounts (id),
      amount bigint not null check (amount > 0),
      currency text not null,
      -- the wallet's balance right after this transfer (null on a system account's side)
      debit_balance_after bigint,
      credit_balance_after bigint,
      hold_id uuid unique references holds (id),
      corrects_transfer_id uuid references transfers (id),
      description text,
      reference text,
      created_at timestamptz not null default now(),
      constraint transfers_two_accounts check (debit_account_id <> credit_account_id),
      constraint transfers_capture_has_hold check ((kind = 'HOLD_CAPTURE') = (hold_id is not null))
    )`.execute(db);
  await sql`create index transfers_by_debit on transfers (debit_account_id, id)`.execute(db);
  await sql`create index transfers_by_credit on transfers (credit_account_id, id)`.execute(db);

  // The journal is append-only: corrections are new, linked transfers.
  await sql`
    create function transfers_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'transfers are append-only: % refused', tg_op using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`create trigger transfers_append_only before update or delete on transfers for each row execute function transfers_refuse_change()`.execute(db);
  await sql`create trigger transfers_no_truncate before truncate on transfers for each statement execute function transfers_refuse_change()`.execute(db);

  // A hold is resolved once: only PENDING rows change, and only their resolution columns.
  await sql`
    create function holds_resolve_once() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'holds are never deleted' using errcode = 'restrict_violation';
      end if;
      if old.status <> 'PENDING' then
        raise exception 'hold % is already %', old.id, old.status using errcode = 'restrict_violation';
      end if;
      if (new.id, new.wallet_id, new.credit_account_id, new.amount, new.currency, new.expires_at, new.created_at)
         is distinct from (old.id, old.wallet_id, old.credit_account_id, old.amount, old.currency, old.expires_at, old.created_at) then
        raise exception 'only a hold''s resolution may change' using errcode = 'restrict_violation';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger holds_resolve_once before update or delete on holds for each row execute function holds_resolve_once()`.execute(db);

  await sql`
    create table idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      result_id uuid not null,
      created_at timestamptz not null default now(),
      primary key (scope, key)
    )`.execute(db);

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
  await sql`drop table processed_events, outbox, idempotency_keys, transfers, holds, accounts`.execute(db);
  await sql`drop function transfers_refuse_change(), holds_resolve_once()`.execute(db);
}
