import { badInput } from '@platform/kernel';
import type { BillingPeriod } from './ports.ts';

/** The calendar month (UTC) holding `at`: the period budgets and commission statements count in. */
export function monthOf(at: Date): BillingPeriod {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) };
}

/** The month before the one holding `at`. */
export const previousMonth = (at: Date): BillingPeriod => monthOf(new Date(monthOf(at).start.getTime() - 1));

/** "2026-11" → that month; a refusal names `field`. */
export function parseMonth(value: string, field: string): BillingPeriod {
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) throw badInput(field, 'must be a month like "2026-11".');
  return monthOf(new Date(Date.UTC(Number(match[1]), month - 1, 1)));
}
