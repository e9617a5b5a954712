import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organizations (
      id uuid primary key,
      kind text not null check (kind in ('PROVIDER', 'RESELLER', 'CUSTOMER')),
      name text not null check (length(btrim(name)) between 1 and 120),
      parent_id uuid references organizations (id),
      -- ancestors from the root down, without the organisation itself; parents never change
      path uuid[] not null,
      status text not null default 'ACTIVE' check (status in ('ACTIVE', 'SUSPENDED')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint organizations_root_is_provider check ((kind = 'PROVIDER') = (parent_id is null)),
      constraint organizations_path_matches_parent check ((parent_id is null) = (cardinality(path) = 0))
    )`.execute(db);
  await sql`create unique index organizations_one_provider on organizations ((true)) where kind = 'PROVIDER'`.execute(db);
  await sql`create unique index organizations_sibling_name on organizations (parent_id, lower(name))`.execute(db);
  await sql`create index organizations_children on organizations (parent_id, name, id)`.execute(db);
  await sql`create index organizations_path on organizations using gin (path)`.execute(db);

  await sql`
    create table memberships (
      id uuid primary key,
      user_id uuid not null,
      organization_id uuid not null references organizations (id),
      role text not null check (role in ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'BILLING')),
      created_at timestamptz not null default now(),
      constraint memberships_one_per_org unique (user_id, organization_id)
    )`.execute(db);
  await sql`create index memberships_by_org on memberships (organization_id, created_at, id)`.execute(db);

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
  await sql`drop table processed_events, outbox, memberships, organizations`.execute(db);
}
