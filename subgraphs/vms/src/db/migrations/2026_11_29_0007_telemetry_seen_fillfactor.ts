import { sql, type Kysely } from 'kysely';

// Frozen once merged. Every VM's last-seen row is rewritten about once a minute: pages kept half empty let
// those updates stay HOT (the new version lands on the same page, no index entry, pruned without a vacuum),
// so the table stays one row's worth per VM instead of growing dead versions between vacuums. Takes
// effect for pages written from now on; vacuum sooner on this small, hot table.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table vm_telemetry_seen set (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.05)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table vm_telemetry_seen reset (fillfactor, autovacuum_vacuum_scale_factor)`.execute(db);
}
