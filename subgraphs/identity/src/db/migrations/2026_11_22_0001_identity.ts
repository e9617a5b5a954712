import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key,
      email text not null,
      email_normalized text not null constraint users_email_unique unique,
      display_name text not null,
      password_hash text not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table refresh_tokens (
      id uuid primary key,
      family_id uuid not null,
      user_id uuid not null references users (id),
      organization_id uuid,
      token_hash bytea not null constraint refresh_tokens_hash_unique unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index refresh_tokens_family on refresh_tokens (family_id)`.execute(db);

  await sql`
    create table signing_keys (
      kid text primary key,
      algorithm text not null,
      public_jwk jsonb not null,
      private_jwk jsonb not null,
      created_at timestamptz not null default now(),
      activates_at timestamptz not null,
      retires_at timestamptz
    )`.execute(db);

  await sql`
    create table login_failures (
      email_normalized text primary key,
      window_started_at timestamptz not null,
      failures integer not null check (failures >= 0),
      locked_until timestamptz
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
  await sql`drop table processed_events, outbox, login_failures, signing_keys, refresh_tokens, users`.execute(db);
}
