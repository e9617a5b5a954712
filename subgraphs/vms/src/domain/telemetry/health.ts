import type { VmStatus } from '../vm.ts';
import type { OpenAlertSummary } from './samples.ts';
import type { RecentLoad, StoredSample } from './telemetry-types.ts';

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'CRITICAL' | 'UNKNOWN';

export interface VmHealth {
  /** 0–100; null when UNKNOWN. */
  readonly score: number | null;
  readonly status: HealthStatus;
  readonly reasons: string[];
  readonly lastSampleAt: Date | null;
}

/** No sample for this long and a VM's health is UNKNOWN, not healthy (the old dashboards' silent zeros). */
export const STALE_AFTER_MS = 2 * 60_000;
/** Health weighs the load of the last minutes, not one sample. */
export const RECENT_WINDOW_MS = 5 * 60_000;

const MIB = 1024 * 1024;
const pct = (n: number) => `${Math.round(n)}%`;

/** Thresholds, worst first: [above, penalty]. */
const CPU: readonly [number, number][] = [
  [95, 40],
  [85, 20],
  [75, 10],
];
const MEMORY: readonly [number, number][] = [
  [95, 40],
  [90, 25],
  [80, 10],
];
const DISK_MIB_S: readonly [number, number][] = [
  [400, 20],
  [200, 10],
];
const ALERT_PENALTY: Record<OpenAlertSummary['severity'], number> = { CRITICAL: 40, HIGH: 25, MEDIUM: 10, LOW: 5 };

const penaltyOf = (value: number, table: readonly [number, number][]) => table.find(([above]) => value > above)?.[1] ?? 0;

/**
 * A VM's health from its last five minutes (CPU, memory and disk pressure), its open alerts (firing or
 * acknowledged; pending ones are not yet a fact) and staleness. Score 100 minus penalties; HEALTHY from
 * 80, DEGRADED from 50, else CRITICAL. A VM that is not running, or has sent nothing for 2 minutes, is
 * UNKNOWN with the reason.
 */
export function assessHealth(input: {
  readonly status: VmStatus;
  readonly latest: StoredSample | null;
  readonly recent: RecentLoad | null;
  readonly alerts: readonly OpenAlertSummary[];
  readonly now: Date;
}): VmHealth {
  const lastSampleAt = input.latest?.at ?? null;
  if (input.status !== 'RUNNING') return { score: null, status: 'UNKNOWN', reasons: [`The VM is ${input.status}.`], lastSampleAt };
  if (!lastSampleAt) return { score: null, status: 'UNKNOWN', reasons: ['No telemetry received in the last 48 hours.'], lastSampleAt };
  const silentMs = input.now.getTime() - lastSampleAt.getTime();
  if (silentMs > STALE_AFTER_MS) {
    return { score: null, status: 'UNKNOWN', reasons: [`No telemetry for ${Math.floor(silentMs / 60_000)} minutes.`], lastSampleAt };
  }
  const reasons: string[] = [];
  let score = 100;
  const recent = input.recent;
  if (recent?.cpuAvg != null) {
    const p = penaltyOf(recent.cpuAvg, CPU);
    if (p > 0) reasons.push(`CPU at ${pct(recent.cpuAvg)} (5-minute average).`);
    score -= p;
  }
  if (recent?.memoryAvg != null) {
    const p = penaltyOf(recent.memoryAvg, MEMORY);
    if (p > 0) reasons.push(`Memory at ${pct(recent.memoryAvg)} (5-minute average).`);
    score -= p;
  }
  if (recent?.diskAvg != null) {
    const p = penaltyOf(recent.diskAvg / MIB, DISK_MIB_S);
    if (p > 0) reasons.push(`Disk throughput at ${Math.round(recent.diskAvg / MIB)} MiB/s (5-minute average).`);
    score -= p;
  }
  for (const alert of input.alerts) {
    if (alert.status === 'PENDING') continue;
    score -= ALERT_PENALTY[alert.severity];
    reasons.push(`${alert.severity} alert ${alert.status === 'FIRING' ? 'firing' : 'acknowledged'}: ${alert.title}`);
  }
  score = Math.max(0, Math.min(100, score));
  return { score, status: score >= 80 ? 'HEALTHY' : score >= 50 ? 'DEGRADED' : 'CRITICAL', reasons, lastSampleAt };
}
