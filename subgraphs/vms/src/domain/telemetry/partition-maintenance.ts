import { inTransaction, type Logger } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { createPartitions, dropPartitions, listPartitions } from '../../db/telemetry-partitions.ts';
import type { VmsDatabase } from '../../db/types.ts';
import { expiredPartitions, partitionFor, partitionsBetween, TIER_LIST, type PartitionRange, type Tier } from './tiers.ts';

const DAY_MS = 86_400_000;

/**
 * Keeps every tier's partitions: creates today's and `daysAhead` more before any sample needs them,
 * drops those wholly past retention (a DROP TABLE, not a DELETE), and creates on demand what a batch
 * or a backfill needs that is not there yet. Remembers what it has seen exist, so a batch whose days
 * are covered costs no catalogue query.
 */
export class TelemetryPartitions {
  private readonly known = new Set<string>();

  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly logger: Logger,
    private readonly daysAhead: number,
  ) {}

  /** One maintenance pass at `now`: what was created and dropped, by tier. */
  async maintain(now: Date = new Date()): Promise<{ created: number; dropped: string[] }> {
    let created = 0;
    const dropped: string[] = [];
    for (const tier of TIER_LIST) {
      created += await this.ensure(tier, partitionsBetween(tier, now, new Date(now.getTime() + this.daysAhead * DAY_MS)));
      const expired = expiredPartitions(tier, await listPartitions(this.db, tier), now);
      if (expired.length > 0) {
        await inTransaction(this.db, (trx) => dropPartitions(trx, expired));
        for (const p of expired) {
          this.known.delete(p.name);
          dropped.push(p.name);
        }
      }
    }
    if (created > 0 || dropped.length > 0) this.logger.info('telemetry partitions maintained', { created, dropped });
    return { created, dropped };
  }

  /** Makes sure every tier can take samples at these instants. */
  async ensureFor(instants: Iterable<Date>): Promise<void> {
    for (const tier of TIER_LIST) {
      const needed = new Map<string, PartitionRange>();
      for (const at of instants) {
        const p = partitionFor(tier, at);
        if (!this.known.has(p.name)) needed.set(p.name, p);
      }
      if (needed.size > 0) await this.ensure(tier, [...needed.values()]);
    }
  }

  /** Partitions of one tier over a range (a backfill). */
  async ensureRange(tier: Tier, from: Date, to: Date): Promise<void> {
    await this.ensure(
      tier,
      partitionsBetween(tier, from, to).filter((p) => !this.known.has(p.name)),
    );
  }

  private async ensure(tier: Tier, ranges: readonly PartitionRange[]): Promise<number> {
    if (ranges.length === 0) return 0;
    const created = await inTransaction(this.db, (trx) => createPartitions(trx, tier, ranges));
    for (const p of ranges) this.known.add(p.name);
    return created;
  }
}
