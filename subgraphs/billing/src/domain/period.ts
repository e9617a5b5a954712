import { badInput } from '@platform/kernel';
import type { BillingPeriod } from './ports.ts';

export type { BillingPeriod } from './ports.ts';

/** The calendar month (UTC) that contains `at`. */
export function periodContaining(at: Date): BillingPeriod {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) };
}

/** The month before the one that contains `at`. */
export function periodBefore(at: Date): BillingPeriod {
  return periodContaining(new Date(periodContaining(at).start.getTime() - 1));
}

/** "2026-11" for November 2026 (UTC). */
export function periodLabel(period: BillingPeriod): string {
  return `${period.start.getUTCFullYear()}-${String(period.start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Parses "YYYY-MM" (a calendar month in UTC), naming `field` when malformed. */
export function parsePeriod(value: string, field = 'period'): BillingPeriod {
  const match = /^(\d{4})-(\d{2})$/.exec(value.trim());
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12 || year < 2000 || year > 2200) {
    throw badInput(field, 'must be a month like "2026-11".');
  }
  return periodContaining(new Date(Date.UTC(year, month - 1, 1)));
}

export const samePeriod = (a: BillingPeriod, b: BillingPeriod): boolean => a.start.getTime() === b.start.getTime();
