import { divideHalfEven } from '@platform/kernel';

/**
 * The pricing rules, in one place. Every amount is an integer of minor units (cents).
 *
 * 1. A price has a monthly amount and a start. The price in force at instant t is the one with the
 *    latest start <= t: a price starting at T is in force at T itself, and its predecessor is in force
 *    until (not including) T.
 * 2. A month is 744 hours. hourly = monthly / 744, rounded half to even (kernel `divideHalfEven`).
 * 3. A line is unit monthly price × quantity × months: whole numbers, no rounding. A line for hours is
 *    unit monthly price × quantity × hours / 744, rounded ONCE (half-even) on the line's exact value, never
 *    from a rounded hourly rate.
 * 4. A subtotal is the sum of the already-rounded lines. VAT is subtotal × rate (basis points) / 10,000,
 *    rounded once (half-even) on the subtotal, never per line. total = subtotal + VAT.
 * So every figure on a quote can be recomputed to the cent from its lines and the rate.
 */
export const HOURS_PER_MONTH = 744n;
export const BASIS_POINTS = 10_000n;

export const hourlyFromMonthly = (monthlyMinor: bigint): bigint => divideHalfEven(monthlyMinor, HOURS_PER_MONTH);

export type Duration = { readonly months: number } | { readonly hours: number };

/** Rule 3. */
export function lineAmount(unitMonthlyMinor: bigint, quantity: number, duration: Duration): bigint {
  const units = unitMonthlyMinor * BigInt(quantity);
  return 'months' in duration ? units * BigInt(duration.months) : divideHalfEven(units * BigInt(duration.hours), HOURS_PER_MONTH);
}

/** Rule 4 (VAT on the sum). */
export const vatOn = (subtotalMinor: bigint, rateBasisPoints: number): bigint => divideHalfEven(subtotalMinor * BigInt(rateBasisPoints), BASIS_POINTS);

export interface Totals {
  readonly subtotalMinor: bigint;
  readonly vatMinor: bigint;
  readonly totalMinor: bigint;
}

/** Rule 4: sum of rounded lines, VAT once on the sum. */
export function totalsOf(lineAmounts: readonly bigint[], rateBasisPoints: number): Totals {
  const subtotalMinor = lineAmounts.reduce((sum, amount) => sum + amount, 0n);
  const vatMinor = vatOn(subtotalMinor, rateBasisPoints);
  return { subtotalMinor, vatMinor, totalMinor: subtotalMinor + vatMinor };
}

/** 1500 → "15.00". */
export function basisPointsAsPercent(bp: number): string {
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
}
