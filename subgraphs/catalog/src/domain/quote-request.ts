import { badInput } from '@platform/kernel';
import { parsePriceSubject } from './price-requests.ts';
import type { PriceQuery } from './price-lookup.ts';
import type { Duration } from './pricing.ts';
import type { VmSpecInput } from './vm-spec.ts';

export const QUOTE_LIMITS = {
  lines: 50,
  quantity: 1_000,
  months: 60,
  /** A year of hours. */
  hours: 744 * 12,
  /** How far ahead a quote may be priced. */
  startsWithinDays: 366,
} as const;

export const DAY_MS = 86_400_000;

export interface QuoteLineInput {
  readonly productId?: string | null;
  readonly spec?: VmSpecInput | null;
  readonly quantity: number;
  readonly months?: number | null;
  readonly hours?: number | null;
}

export interface QuoteLineRequest {
  readonly query: PriceQuery;
  readonly quantity: number;
  readonly duration: Duration;
}

/** What a new quote asks for, validated: every line priced at `pricedAt`. */
export interface QuoteRequest {
  readonly organizationId: string;
  readonly createdBy: string;
  readonly pricedAt: Date;
  readonly lines: readonly QuoteLineRequest[];
}

function intInRange(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, `must be a whole number from ${min} to ${max}; got ${value}.`, { min, max });
  }
  return value;
}

function parseLine(line: QuoteLineInput, field: string, pricedAt: Date): QuoteLineRequest {
  const subject = parsePriceSubject(line, field);
  const quantity = intInRange(line.quantity, 1, QUOTE_LIMITS.quantity, `${field}.quantity`);
  const hasMonths = line.months !== undefined && line.months !== null;
  if (hasMonths === (line.hours !== undefined && line.hours !== null)) throw badInput(field, 'give either months or hours, not both or neither.');
  const duration: Duration = hasMonths
    ? { months: intInRange(line.months!, 1, QUOTE_LIMITS.months, `${field}.months`) }
    : { hours: intInRange(line.hours!, 1, QUOTE_LIMITS.hours, `${field}.hours`) };
  return { query: { subject, at: pricedAt, field }, quantity, duration };
}

/** Validates the instant and every line before anything is priced or written. */
export function parseQuoteRequest(
  input: { organizationId: string; createdBy: string; lines: readonly QuoteLineInput[]; startsAt?: Date | null },
  now: Date,
): QuoteRequest {
  const startsAt = input.startsAt ?? null;
  if (startsAt !== null && startsAt.getTime() < now.getTime()) throw badInput('startsAt', 'must not be in the past.');
  if (startsAt !== null && startsAt.getTime() > now.getTime() + QUOTE_LIMITS.startsWithinDays * DAY_MS) {
    throw badInput('startsAt', `must be within ${QUOTE_LIMITS.startsWithinDays} days.`);
  }
  if (input.lines.length === 0 || input.lines.length > QUOTE_LIMITS.lines) {
    throw badInput('lines', `must hold from 1 to ${QUOTE_LIMITS.lines} lines.`, { min: 1, max: QUOTE_LIMITS.lines });
  }
  const pricedAt = startsAt ?? now;
  const lines = input.lines.map((line, i) => parseLine(line, `lines[${i}]`, pricedAt));
  return { organizationId: input.organizationId, createdBy: input.createdBy, pricedAt, lines };
}
