import type { ComponentLine } from './price-lookup.ts';
import type { VatRate } from './vat.ts';
import type { VmSpec } from './vm-spec.ts';

export const QUOTE_STATUSES = ['DRAFT', 'ACCEPTED', 'EXPIRED'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

/** A priced offer to one organisation. Its figures never change after it is written. */
export interface Quote {
  readonly id: string;
  readonly organizationId: string;
  /** As stored; see `statusAt` for what it is at an instant. */
  readonly status: QuoteStatus;
  readonly currency: string;
  readonly pricedAt: Date;
  readonly validUntil: Date;
  readonly subtotalMinor: bigint;
  readonly vatRate: VatRate;
  readonly vatMinor: bigint;
  readonly totalMinor: bigint;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly acceptedAt: Date | null;
  readonly expiredAt: Date | null;
}

export interface QuoteLine {
  readonly id: string;
  readonly quoteId: string;
  readonly position: number;
  readonly productId: string | null;
  readonly spec: VmSpec | null;
  readonly description: string;
  readonly quantity: number;
  readonly months: number | null;
  readonly hours: number | null;
  readonly unitMonthlyMinor: bigint;
  readonly amountMinor: bigint;
  readonly components: readonly ComponentLine[];
}

export interface QuoteWithLines {
  readonly quote: Quote;
  readonly lines: readonly QuoteLine[];
}

/** A draft is expired from its validUntil on, whether or not the sweeper has recorded it yet. */
export function statusAt(quote: Quote, now: Date): QuoteStatus {
  return quote.status === 'DRAFT' && quote.validUntil.getTime() <= now.getTime() ? 'EXPIRED' : quote.status;
}

export function expiredAtOf(quote: Quote, now: Date): Date | null {
  return quote.expiredAt ?? (statusAt(quote, now) === 'EXPIRED' ? quote.validUntil : null);
}
