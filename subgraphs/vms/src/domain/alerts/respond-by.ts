import type { AlertSeverity } from '../telemetry/samples.ts';

/**
 * The response target of a severity (DESIGN §6): critical 15 min, high 1 h, medium 4 h, low the next
 * business day, i.e. 09:00 on the next weekday (Monday–Friday) in Africa/Johannesburg. South Africa keeps
 * UTC+2 all year (no daylight saving), so a fixed offset is exact. Public holidays are not skipped.
 */
const MINUTES: Record<Exclude<AlertSeverity, 'LOW'>, number> = { CRITICAL: 15, HIGH: 60, MEDIUM: 240 };
const SAST_OFFSET_MS = 2 * 3600_000;

export function respondBy(severity: AlertSeverity, firedAt: Date): Date {
  if (severity !== 'LOW') return new Date(firedAt.getTime() + MINUTES[severity] * 60_000);
  // Work in Johannesburg wall-clock time expressed as a UTC Date, then shift back.
  const local = new Date(firedAt.getTime() + SAST_OFFSET_MS);
  const next = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, 9));
  while (next.getUTCDay() === 0 || next.getUTCDay() === 6) next.setUTCDate(next.getUTCDate() + 1);
  return new Date(next.getTime() - SAST_OFFSET_MS);
}
