import type { BillingPeriod } from './ports.ts';

/** The shares of a monthly budget that raise an event, once each per period. */
export const BUDGET_THRESHOLDS = [80, 100] as const;

export interface Budget {
  readonly organizationId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly updatedAt: Date;
}

/** A budget with this period's spend so far. */
export interface BudgetView extends Budget {
  readonly period: BillingPeriod;
  readonly spentMinor: bigint;
  readonly thresholdsReached: readonly number[];
}

/** Whole percent spent, rounded down (79.99 % has not reached 80 %). */
export const percentOf = (spentMinor: bigint, budgetMinor: bigint): number => Number((spentMinor * 100n) / budgetMinor);

export const thresholdsAt = (spentMinor: bigint, budgetMinor: bigint): number[] =>
  BUDGET_THRESHOLDS.filter((t) => spentMinor * 100n >= budgetMinor * BigInt(t));
