import type { BillingPeriod } from './ports.ts';

export type CommissionTier = 'BRONZE' | 'SILVER' | 'GOLD';
export type CommissionStatus = 'PENDING' | 'APPROVED' | 'PAID';

/** Tier rates in basis points (1 % = 100). */
export const TIER_BASIS_POINTS: Readonly<Record<CommissionTier, number>> = { BRONZE: 500, SILVER: 1000, GOLD: 1500 };
/** A reseller with no rate set earns the lowest tier. */
export const DEFAULT_TIER: CommissionTier = 'BRONZE';

export interface CommissionRate {
  readonly resellerId: string;
  /** Null for a custom rate. */
  readonly tier: CommissionTier | null;
  readonly basisPoints: number;
  /** Null for the default (no rate set). */
  readonly effectiveFrom: Date | null;
}

export interface CommissionLine {
  readonly customerId: string;
  readonly revenueMinor: bigint;
}

export interface CommissionStatement {
  readonly id: string;
  readonly resellerId: string;
  readonly period: BillingPeriod;
  readonly tier: CommissionTier | null;
  readonly basisPoints: number;
  readonly baseMinor: bigint;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly status: CommissionStatus;
  readonly lines: readonly CommissionLine[];
  readonly computedAt: Date;
  readonly approvedAt: Date | null;
  readonly paidAt: Date | null;
}

export interface SetCommissionRate {
  readonly resellerId: string;
  readonly tier: CommissionTier | null;
  readonly basisPoints: number;
  readonly effectiveFrom: Date;
  readonly setBy: string;
}
