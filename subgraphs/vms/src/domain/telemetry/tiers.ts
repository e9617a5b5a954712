/**
 * The three stores of telemetry: raw 20 s samples and two rollups. Each is a range-partitioned table whose
 * partitions cover whole days (raw, 5 min) or months (1 h); retention drops a partition once all of it
 * is older than the tier keeps. Pure rules here; the SQL is in db/telemetry-*.ts.
 */
export type TierName = 'raw' | 'fiveMinutes' | 'hour';

export interface Tier {
  readonly name: TierName;
  readonly table: 'telemetry_raw' | 'telemetry_5m' | 'telemetry_1h';
  /** Width of one point: a sample slot (20 s, vCenter's real-time interval) or a rollup bucket. */
  readonly stepSeconds: number;
  readonly retentionMs: number;
  readonly partition: 'day' | 'month';
}

const DAY_MS = 86_400_000;
export const SAMPLE_INTERVAL_SECONDS = 20;

export const TIERS: Readonly<Record<TierName, Tier>> = {
  raw: { name: 'raw', table: 'telemetry_raw', stepSeconds: SAMPLE_INTERVAL_SECONDS, retentionMs: 2 * DAY_MS, partition: 'day' },
  fiveMinutes: { name: 'fiveMinutes', table: 'telemetry_5m', stepSeconds: 300, retentionMs: 35 * DAY_MS, partition: 'day' },
  hour: { name: 'hour', table: 'telemetry_1h', stepSeconds: 3600, retentionMs: 400 * DAY_MS, partition: 'month' },
};
export const TIER_LIST: readonly Tier[] = [TIERS.raw, TIERS.fiveMinutes, TIERS.hour];

/** A sample this far ahead of the server clock is refused (clock skew allowance). */
export const MAX_FUTURE_MS = 5 * 60_000;

/** One partition: its table name and the half-open range [from, to) it holds. */
export interface PartitionRange {
  readonly name: string;
  readonly from: Date;
  readonly to: Date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The partition of `tier` that holds instant `at` (UTC days or months). */
export function partitionFor(tier: Tier, at: Date): PartitionRange {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (tier.partition === 'month') {
    return { name: `${tier.table}_${y}${pad(m + 1)}`, from: new Date(Date.UTC(y, m, 1)), to: new Date(Date.UTC(y, m + 1, 1)) };
  }
  const d = at.getUTCDate();
  return { name: `${tier.table}_${y}${pad(m + 1)}${pad(d)}`, from: new Date(Date.UTC(y, m, d)), to: new Date(Date.UTC(y, m, d + 1)) };
}

/** Every partition of `tier` overlapping [from, to], oldest first. */
export function partitionsBetween(tier: Tier, from: Date, to: Date): PartitionRange[] {
  const out: PartitionRange[] = [];
  for (let p = partitionFor(tier, from); p.from.getTime() <= to.getTime(); p = partitionFor(tier, p.to)) out.push(p);
  return out;
}

/** Reads a partition's range back from its name (null for a table that is not one of ours). */
export function parsePartitionName(tier: Tier, name: string): PartitionRange | null {
  const match = new RegExp(`^${tier.table}_(\\d{4})(\\d{2})(\\d{2})?$`).exec(name);
  if (!match) return null;
  const [, y, m, d] = match;
  if ((tier.partition === 'day') !== (d !== undefined)) return null;
  return partitionFor(tier, new Date(Date.UTC(Number(y), Number(m) - 1, d === undefined ? 1 : Number(d))));
}

/** Partitions wholly older than the tier's retention at `now`: those retention drops. */
export function expiredPartitions(tier: Tier, names: readonly string[], now: Date): PartitionRange[] {
  const cutoff = now.getTime() - tier.retentionMs;
  return names.flatMap((n) => {
    const p = parsePartitionName(tier, n);
    return p && p.to.getTime() <= cutoff ? [p] : [];
  });
}
