import { inTransaction, type Logger } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { rollUpWindow } from '../../db/telemetry-rollups.ts';
import type { VmsDatabase } from '../../db/types.ts';
import { TIERS } from './tiers.ts';

/** One transaction rolls up at most this much time, so the exclusive lock never stalls ingest for long. */
const MAX_WINDOW_MS = 3_600_000;

/**
 * Builds both rollup tiers from raw, set-based, for windows that have closed: ingest only COPies raw rows,
 * and this pass (a periodic task) adds everything between the watermark and `now − lag` (aligned to
 * 5-minute buckets) to the 5-minute and hourly rollups. A sample arriving after the pass went past its
 * instant is rolled up by the ingest itself; queries over a rollup tier add the raw samples past the
 * watermark, so every figure is exact whatever the pass has done.
 */
export class TelemetryRollups {
  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly logger: Logger,
    /** How far behind the clock the pass stays, so samples of the last minute still take the fast path. */
    private readonly lagMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Rolls up everything before `until` (default: now − lag, aligned down to 5 minutes); returns the new watermark if it moved. */
  async rollUp(until?: Date): Promise<Date | null> {
    const step = TIERS.fiveMinutes.stepSeconds * 1000;
    const target = new Date(Math.floor((until ?? new Date(this.clock().getTime() - this.lagMs)).getTime() / step) * step);
    let moved: Date | null = null;
    for (;;) {
      const next = await inTransaction(this.db, (trx) => rollUpWindow(trx, target, MAX_WINDOW_MS));
      if (next === null) break;
      moved = next;
    }
    if (moved) this.logger.debug('telemetry rolled up', { until: moved.toISOString() });
    return moved;
  }
}
