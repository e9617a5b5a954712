import { sql, type Transaction } from 'kysely';
import { TIERS } from '../domain/telemetry/tiers.ts';
import { rollupUpsert } from './telemetry-repository.ts';
import type { VmsDatabase } from './types.ts';

/**
 * The lock between ingest and the rollup pass: every ingest transaction holds it shared while it decides,
 * from the watermark, which samples the pass will still count and which it must roll up itself; the pass
 * holds it exclusively while it moves rows and watermark. So no sample is counted twice or never.
 */
export const ROLLUP_LOCK_SQL = "hashtext('telemetry rollup watermark')";

/**
 * One rollup pass window: adds the raw samples in [watermark, min(until, watermark + maxSpan)) to both
 * rollup tiers (set-based, grouped per VM and bucket) and moves the watermark to the window's end, in
 * the caller's transaction. Returns the new watermark, or null when it was already at `until`.
 */
export async function rollUpWindow(trx: Transaction<VmsDatabase>, until: Date, maxSpanMs: number): Promise<Date | null> {
  await sql`select pg_advisory_xact_lock(${sql.raw(ROLLUP_LOCK_SQL)})`.execute(trx);
  const { rows } = await sql<{ rolled_until: Date }>`select rolled_until from telemetry_rollup_state`.execute(trx);
  const from = rows[0]!.rolled_until;
  const to = new Date(Math.min(until.getTime(), from.getTime() + maxSpanMs));
  if (to <= from) return null;
  await sql`
    with window_rows as (
      select * from telemetry_raw where at >= ${from.toISOString()}::timestamptz and at < ${to.toISOString()}::timestamptz
    ),
    five as (${rollupUpsert(TIERS.fiveMinutes, 'window_rows')}),
    hour as (${rollupUpsert(TIERS.hour, 'window_rows')})
    update telemetry_rollup_state set rolled_until = ${to.toISOString()}::timestamptz`.execute(trx);
  return to;
}

/** The current watermark (tests, diagnostics). */
export async function rollupWatermark(trx: Transaction<VmsDatabase>): Promise<Date> {
  const { rows } = await sql<{ rolled_until: Date }>`select rolled_until from telemetry_rollup_state`.execute(trx);
  return rows[0]!.rolled_until;
}
