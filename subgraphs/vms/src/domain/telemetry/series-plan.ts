import { badInput } from '@platform/kernel';
import { METRIC_NAMES, type MetricName } from './samples.ts';
import type { MetricValues, SeriesBucket, SeriesPlan, UtilizationQuery, UtilizationWindow } from './telemetry-types.ts';
import { TIERS, type TierName } from './tiers.ts';
import type { OrgScope } from '../vm.ts';

export type Resolution = 'AUTO' | 'RAW' | 'FIVE_MINUTES' | 'HOUR';

/** AUTO keeps a series at or under this many points (a chart's width). */
export const AUTO_MAX_POINTS = 500;
/** An explicit resolution may ask for this many points at most. */
export const MAX_POINTS = 5000;
const MAX_SPAN_MS = 400 * 86_400_000;
/** AUTO's bucket widths, finest first: each a multiple of the tier that serves it. */
const AUTO_STEPS = [20, 60, 300, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];
const TIER_OF_RESOLUTION: Record<Exclude<Resolution, 'AUTO'>, TierName> = { RAW: 'raw', FIVE_MINUTES: 'fiveMinutes', HOUR: 'hour' };
export const RESOLUTION_OF_TIER: Record<TierName, Exclude<Resolution, 'AUTO'>> = { raw: 'RAW', fiveMinutes: 'FIVE_MINUTES', hour: 'HOUR' };

const alignDown = (ms: number, stepS: number) => Math.floor(ms / (stepS * 1000)) * stepS * 1000;
const alignUp = (ms: number, stepS: number) => Math.ceil(ms / (stepS * 1000)) * stepS * 1000;
const pointsOf = (from: number, to: number, stepS: number) => (alignUp(to, stepS) - alignDown(from, stepS)) / (stepS * 1000);

function plan(tier: TierName, stepSeconds: number, from: number, to: number): SeriesPlan {
  return { tier, stepSeconds, from: new Date(alignDown(from, stepSeconds)), to: new Date(alignUp(to, stepSeconds)) };
}

/**
 * Which store a `metrics(from, to, resolution)` reads and how wide its points are. AUTO picks the finest
 * bucket width that keeps the series at or under 500 points, served by the coarsest store whose step
 * divides it and which still holds the window's start (raw 48 h, 5 min 35 days). Bad ranges are bad
 * input naming the argument.
 */
export function planSeries(args: { from: Date; to: Date | null; resolution: Resolution }, now: Date): SeriesPlan {
  const from = args.from.getTime();
  const to = (args.to ?? now).getTime();
  if (to <= from) throw badInput('to', 'must be after from.');
  if (to - from > MAX_SPAN_MS) throw badInput('from', 'the window may span at most 400 days.');
  if (args.resolution !== 'AUTO') {
    const tier = TIER_OF_RESOLUTION[args.resolution];
    const step = TIERS[tier].stepSeconds;
    const points = pointsOf(from, to, step);
    if (points > MAX_POINTS) {
      throw badInput('resolution', `${args.resolution} over this window is ${points} points, more than ${MAX_POINTS}: pick a coarser resolution or AUTO.`);
    }
    return plan(tier, step, from, to);
  }
  const age = now.getTime() - from;
  const holds = (tier: TierName) => tier === 'hour' || age <= TIERS[tier].retentionMs;
  for (const step of AUTO_STEPS) {
    if (pointsOf(from, to, step) > AUTO_MAX_POINTS) continue;
    const tier = (['hour', 'fiveMinutes', 'raw'] as const).find((t) => step % TIERS[t].stepSeconds === 0 && holds(t));
    if (tier) return plan(tier, step, from, to);
  }
  // Over ~500 days at one point a day cannot happen (the span is capped at 400 days).
  return plan('hour', 86_400, from, to);
}

export interface MetricSeriesValues {
  readonly avg: (number | null)[];
  readonly max: (number | null)[];
}

/** Chart-ready: one timestamp per bucket and, per metric, avg and max arrays aligned with it; a bucket without data is null. */
export interface ChartSeries {
  readonly plan: SeriesPlan;
  readonly timestamps: Date[];
  readonly metrics: Readonly<Record<MetricName, MetricSeriesValues>>;
}

export function toChart(plan: SeriesPlan, buckets: readonly SeriesBucket[]): ChartSeries {
  const stepMs = plan.stepSeconds * 1000;
  const n = Math.round((plan.to.getTime() - plan.from.getTime()) / stepMs);
  const timestamps = Array.from({ length: n }, (_, i) => new Date(plan.from.getTime() + i * stepMs));
  const metrics = Object.fromEntries(
    METRIC_NAMES.map((m) => [m, { avg: new Array<number | null>(n).fill(null), max: new Array<number | null>(n).fill(null) }]),
  ) as Record<MetricName, MetricSeriesValues>;
  for (const b of buckets) {
    const i = Math.round((b.at.getTime() - plan.from.getTime()) / stepMs);
    if (i < 0 || i >= n) continue;
    for (const m of METRIC_NAMES) {
      metrics[m].avg[i] = b.avg[m];
      metrics[m].max[i] = b.max[m];
    }
  }
  return { plan, timestamps, metrics };
}

const WINDOW_MS: Record<UtilizationWindow, number> = { LAST_HOUR: 3_600_000, LAST_DAY: 86_400_000, LAST_WEEK: 7 * 86_400_000, LAST_MONTH: 30 * 86_400_000 };

/** A fleet window reads the 5-minute rollup up to a day, the hourly one beyond; the current (partial) bucket is included. */
export function utilizationQuery(window: UtilizationWindow, scope: OrgScope, now: Date): UtilizationQuery {
  const tier: TierName = WINDOW_MS[window] <= 86_400_000 ? 'fiveMinutes' : 'hour';
  const step = TIERS[tier].stepSeconds;
  return { scope, tier, from: new Date(alignDown(now.getTime() - WINDOW_MS[window], step)), to: new Date(alignUp(now.getTime() + 1, step)) };
}

export const emptyValues = (): MetricValues => Object.fromEntries(METRIC_NAMES.map((m) => [m, null])) as MetricValues;
