import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one.
// API keys: bound to one organisation, a role and scopes no wider than their owner's. Only the
// SHA-256 of the secret is kept; `prefix` (unique, not secret) finds the row. The owner's
// membership (organisation and role) that allowed the key is remembered, so the key stops when
// the owner loses it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table api_keys (
      id uuid primary key,
      organization_id uuid not null,
      owner_user_id uuid not null references users (id),
      owner_organization_id uuid not null,
      name text not null,
      prefix text not null unique,
      secret_hash bytea not null,
      role text not null,
      scopes text[] not null,
      requests_per_minute integer check (requests_per_minute > 0),
      burst integer check (burst > 0),
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      revoked_reason text,
      check ((requests_per_minute is null) = (burst is null)),
      check ((revoked_at is null) = (revoked_reason is null))
    )`.execute(db);
  await sql`create index api_keys_by_organization on api_keys (organization_id, id)`.execute(db);
  await sql`create index api_keys_live_by_owner on api_keys (owner_user_id) where revoked_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table api_keys`.execute(db);
}
