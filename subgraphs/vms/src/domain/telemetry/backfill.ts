import type { Kysely } from 'kysely';
import { backfillRollups, runningVmIds } from '../../db/telemetry-repository.ts';
import type { VmsDatabase } from '../../db/types.ts';
import type { TelemetryPartitions } from './partition-maintenance.ts';
import { profileOf } from './simulator.ts';
import { TIERS } from './tiers.ts';

// Small chunks: a stop (Ctrl-C) waits for one statement, not for the whole fleet.
const VMS_PER_STATEMENT = 50;

export interface BackfillReport {
  readonly vms: number;
  readonly rows: number;
}

/**
 * The demo's first start: history for every RUNNING VM that has none yet (so charts are full at once),
 * 24 h of 5-minute buckets and 30 days of hourly ones up to the current bucket (the live simulator
 * fills it from there). A second start finds the history and does nothing. `shouldStop` is asked
 * between chunks, so stopping the platform does not wait for the whole backfill.
 */
export async function backfillDemoTelemetry(
  db: Kysely<VmsDatabase>,
  partitions: TelemetryPartitions,
  options: { now?: Date; fiveMinuteHours?: number; hourDays?: number; shouldStop?: () => boolean } = {},
): Promise<BackfillReport> {
  const now = options.now ?? new Date();
  const fiveTo = new Date(Math.floor(now.getTime() / 300_000) * 300_000);
  const fiveFrom = new Date(fiveTo.getTime() - (options.fiveMinuteHours ?? 25) * 3_600_000);
  const hourTo = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const hourFrom = new Date(hourTo.getTime() - (options.hourDays ?? 31) * 86_400_000);
  const ids = await runningVmIds(db, new Date(hourTo.getTime() - 20 * 86_400_000));
  if (ids.length === 0) return { vms: 0, rows: 0 };
  await partitions.ensureRange(TIERS.fiveMinutes, fiveFrom, fiveTo);
  await partitions.ensureRange(TIERS.hour, hourFrom, hourTo);
  let rows = 0;
  for (let i = 0; i < ids.length && !options.shouldStop?.(); i += VMS_PER_STATEMENT) {
    const profiles = ids.slice(i, i + VMS_PER_STATEMENT).map((vmId) => ({ vmId, ...profileOf(vmId) }));
    rows += await backfillRollups(db, TIERS.fiveMinutes, profiles, fiveFrom, fiveTo);
    rows += await backfillRollups(db, TIERS.hour, profiles, hourFrom, hourTo);
  }
  return { vms: ids.length, rows };
}
