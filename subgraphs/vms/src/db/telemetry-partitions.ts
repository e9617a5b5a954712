import { sql, type Transaction } from 'kysely';
import type { PartitionRange, Tier } from '../domain/telemetry/tiers.ts';
import type { VmsDatabase, VmsDb } from './types.ts';

/** The partitions attached to a tier's table, by name. */
export async function listPartitions(db: VmsDb, tier: Tier): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = ${tier.table} and p.relnamespace = current_schema()::regnamespace
    order by c.relname`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Creates the partitions that do not exist yet. Serialised by an advisory lock: two processes (or a
 * maintenance pass racing an ingest) never both try to create the same one. Returns how many were created.
 */
export async function createPartitions(trx: Transaction<VmsDatabase>, tier: Tier, ranges: readonly PartitionRange[]): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext('telemetry partitions'))`.execute(trx);
  const existing = new Set(await listPartitions(trx, tier));
  let created = 0;
  for (const range of ranges) {
    if (existing.has(range.name)) continue;
    await sql`create table ${sql.table(range.name)} partition of ${sql.table(tier.table)}
      for values from (${sql.lit(range.from.toISOString())}) to (${sql.lit(range.to.toISOString())})`.execute(trx);
    created += 1;
  }
  return created;
}

/** Drops whole partitions (retention): no row-by-row delete, no bloat. */
export async function dropPartitions(trx: Transaction<VmsDatabase>, ranges: readonly PartitionRange[]): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext('telemetry partitions'))`.execute(trx);
  for (const range of ranges) await sql`drop table if exists ${sql.table(range.name)}`.execute(trx);
  return ranges.length;
}
