import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one. Migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notes (
      id uuid primary key,
      organization_id uuid not null,
      text text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index notes_by_organization on notes (organization_id, id)`.execute(db);

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
  await sql`drop table processed_events, outbox, notes`.execute(db);
}
