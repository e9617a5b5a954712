import { sql, type Kysely } from 'kysely';

// Frozen once merged. Rollups are built from raw by a periodic task instead of in every ingest statement:
// one row holds the instant below which every raw sample is already counted in both rollup tiers (the
// watermark). Raw samples at or after it are counted by the next rollup pass; queries add them from raw.
// Rows stored before this migration were rolled up as they arrived, so it starts just after the newest
// one (or at the raw retention horizon on an empty table, so the first pass has nothing to redo).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table telemetry_rollup_state (
      singleton boolean primary key default true check (singleton),
      rolled_until timestamptz not null
    )`.execute(db);
  await sql`
    insert into telemetry_rollup_state (rolled_until)
    select coalesce(
      date_bin('5 minutes', max(at), timestamptz '1970-01-01 00:00:00+00') + interval '5 minutes',
      date_bin('5 minutes', now() - interval '48 hours', timestamptz '1970-01-01 00:00:00+00'))
    from telemetry_raw`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists telemetry_rollup_state`.execute(db);
}
