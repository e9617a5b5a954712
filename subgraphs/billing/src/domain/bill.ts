import type { BillingPeriod } from './ports.ts';
import type { RatedLine } from './rating.ts';

export type BillStatus = 'ISSUED' | 'PAID' | 'UNPAID';

/** A finalised bill: one per organisation and period, numbered when issued. */
export interface Bill {
  readonly id: string;
  readonly organizationId: string;
  readonly period: BillingPeriod;
  readonly status: BillStatus;
  readonly invoiceNumber: bigint;
  readonly currency: string;
  readonly subtotalMinor: bigint;
  readonly vatMinor: bigint;
  readonly totalMinor: bigint;
  readonly issuedAt: Date;
  readonly paidAt: Date | null;
  readonly unpaidSince: Date | null;
  readonly suspendedAt: Date | null;
}

export type BillLine = RatedLine & { readonly position: number };

/** "INV-000042": invoice numbers are sequential and gap-free across all bills. */
export const invoiceNumberText = (n: bigint): string => `INV-${n.toString().padStart(6, '0')}`;
