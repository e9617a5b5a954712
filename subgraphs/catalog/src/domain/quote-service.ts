import type { Kysely } from 'kysely';
import { eventMoney, writeOutbox } from '@platform/events';
import { allSettledOrThrow, badInput, DEFAULT_CURRENCY, fail, isUuid, newId } from '@platform/kernel';
import { expireDueQuotes as expireDueQuoteRows, findQuotesByIds, insertQuote, markAccepted, markExpired } from '../db/quote-repository.ts';
import type { CatalogDatabase } from '../db/types.ts';
import { findVatRateAt } from '../db/vat-repository.ts';
import { priceItems, type PriceQuery } from './price-lookup.ts';
import { lineAmount, totalsOf, type Duration } from './pricing.ts';
import { statusAt, type Quote, type QuoteLine, type QuoteWithLines } from './quote.ts';
import { describeVmSpec, parseVmSpec, type VmSpecInput } from './vm-spec.ts';

export const QUOTE_LIMITS = {
  lines: 50,
  quantity: 1_000,
  months: 60,
  /** A year of hours. */
  hours: 744 * 12,
  /** How far ahead a quote may be priced. */
  startsWithinDays: 366,
} as const;

const DAY_MS = 86_400_000;

export interface QuoteLineRequest {
  readonly productId?: string | null;
  readonly spec?: VmSpecInput | null;
  readonly quantity: number;
  readonly months?: number | null;
  readonly hours?: number | null;
}

export interface CreateQuoteRequest {
  readonly organizationId: string;
  readonly lines: readonly QuoteLineRequest[];
  /** The instant to price at; default now. */
  readonly startsAt?: Date | null;
  readonly createdBy: string;
}

function intInRange(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, `must be a whole number from ${min} to ${max}; got ${value}.`, { min, max });
  }
  return value;
}

/** Validates every line before anything is priced or written. */
function parseLines(lines: readonly QuoteLineRequest[], pricedAt: Date): { query: PriceQuery; quantity: number; duration: Duration }[] {
  if (lines.length === 0 || lines.length > QUOTE_LIMITS.lines) {
    throw badInput('lines', `must hold from 1 to ${QUOTE_LIMITS.lines} lines.`, { min: 1, max: QUOTE_LIMITS.lines });
  }
  return lines.map((line, i) => {
    const field = `lines[${i}]`;
    const hasProduct = line.productId !== undefined && line.productId !== null;
    const hasSpec = line.spec !== undefined && line.spec !== null;
    if (hasProduct === hasSpec) throw badInput(field, 'give either productId or spec, not both or neither.');
    const quantity = intInRange(line.quantity, 1, QUOTE_LIMITS.quantity, `${field}.quantity`);
    const hasMonths = line.months !== undefined && line.months !== null;
    const hasHours = line.hours !== undefined && line.hours !== null;
    if (hasMonths === hasHours) throw badInput(field, 'give either months or hours, not both or neither.');
    const duration: Duration = hasMonths
      ? { months: intInRange(line.months!, 1, QUOTE_LIMITS.months, `${field}.months`) }
      : { hours: intInRange(line.hours!, 1, QUOTE_LIMITS.hours, `${field}.hours`) };
    const subject = hasProduct ? { productId: line.productId! } : { spec: parseVmSpec(line.spec!, `${field}.spec`) };
    return { query: { subject, at: pricedAt, field }, quantity, duration };
  });
}

/**
 * Prices every line at one instant (prices and VAT in force then), rounds each line once, and writes
 * the DRAFT with its lines in one transaction. Any bad line rejects the whole quote before writing.
 */
export async function createQuote(
  db: Kysely<CatalogDatabase>,
  request: CreateQuoteRequest,
  now: Date,
  validityDays: number,
): Promise<QuoteWithLines> {
  if (!isUuid(request.organizationId)) throw badInput('organizationId', 'is not an organisation id.');
  const startsAt = request.startsAt ?? null;
  if (startsAt !== null && startsAt.getTime() < now.getTime()) throw badInput('startsAt', 'must not be in the past.');
  if (startsAt !== null && startsAt.getTime() > now.getTime() + QUOTE_LIMITS.startsWithinDays * DAY_MS) {
    throw badInput('startsAt', `must be within ${QUOTE_LIMITS.startsWithinDays} days.`);
  }
  const pricedAt = startsAt ?? now;
  const parsed = parseLines(request.lines, pricedAt);

  const [items, vatRate] = await allSettledOrThrow([
    priceItems(db, parsed.map((p) => p.query), { requireActive: true }),
    findVatRateAt(db, pricedAt),
  ]);
  if (!vatRate) throw fail('INVALID_STATE', `No VAT rate is in force at ${pricedAt.toISOString()}.`);

  const quoteId = newId();
  const lines: QuoteLine[] = parsed.map((p, i) => {
    const item = items[i]!;
    return {
      id: newId(),
      quoteId,
      position: i + 1,
      productId: item.product?.id ?? null,
      spec: item.spec,
      description: item.product?.name ?? (item.spec ? describeVmSpec(item.spec) : ''),
      quantity: p.quantity,
      months: 'months' in p.duration ? p.duration.months : null,
      hours: 'hours' in p.duration ? p.duration.hours : null,
      unitMonthlyMinor: item.unitMonthlyMinor,
      amountMinor: lineAmount(item.unitMonthlyMinor, p.quantity, p.duration),
      components: item.lines,
    };
  });
  const totals = totalsOf(lines.map((l) => l.amountMinor), vatRate.basisPoints);
  const quote: Quote = {
    id: quoteId,
    organizationId: request.organizationId,
    status: 'DRAFT',
    currency: DEFAULT_CURRENCY,
    pricedAt,
    validUntil: new Date(now.getTime() + validityDays * DAY_MS),
    subtotalMinor: totals.subtotalMinor,
    vatRate,
    vatMinor: totals.vatMinor,
    totalMinor: totals.totalMinor,
    createdBy: request.createdBy,
    createdAt: now,
    acceptedAt: null,
    expiredAt: null,
  };
  await db.transaction().execute((trx) => insertQuote(trx, quote, lines));
  return { quote, lines };
}

function notDraft(quote: Quote, now: Date, action: string): Error {
  const status = statusAt(quote, now);
  if (status === 'EXPIRED') {
    return fail('INVALID_STATE', `Quote expired at ${(quote.expiredAt ?? quote.validUntil).toISOString()}; it cannot be ${action}.`, { status });
  }
  return fail('INVALID_STATE', `Quote is ${status}; it cannot be ${action}.`, { status });
}

/**
 * DRAFT → ACCEPTED while valid. One conditional UPDATE decides, so of concurrent accepts exactly one
 * wins; the acceptance and its outbox event commit together.
 */
export async function acceptQuote(db: Kysely<CatalogDatabase>, quoteId: string, now: Date): Promise<Quote> {
  return db.transaction().execute(async (trx) => {
    const accepted = await markAccepted(trx, quoteId, now);
    if (!accepted) {
      const [current] = await findQuotesByIds(trx, [quoteId]);
      if (!current) throw fail('NOT_FOUND', 'Quote not found.');
      throw notDraft(current, now, 'accepted');
    }
    await writeOutbox(trx, 'catalog.quote.accepted', {
      quoteId: accepted.id,
      organizationId: accepted.organizationId,
      subtotal: eventMoney(accepted.subtotalMinor, accepted.currency),
      vat: eventMoney(accepted.vatMinor, accepted.currency),
      total: eventMoney(accepted.totalMinor, accepted.currency),
      acceptedAt: now.toISOString(),
    });
    return accepted;
  });
}

/** DRAFT → EXPIRED now. Expiring an expired quote returns it unchanged; an accepted one is INVALID_STATE. */
export async function expireQuote(db: Kysely<CatalogDatabase>, quoteId: string, now: Date): Promise<Quote> {
  return db.transaction().execute(async (trx) => {
    const expired = await markExpired(trx, quoteId, now);
    if (expired) return expired;
    const [current] = await findQuotesByIds(trx, [quoteId]);
    if (!current) throw fail('NOT_FOUND', 'Quote not found.');
    if (current.status === 'EXPIRED') return current;
    throw notDraft(current, now, 'expired');
  });
}

/** The sweeper's step: records drafts past their validity as EXPIRED. Reads already treat them so. */
export const expireDueQuotes = (db: Kysely<CatalogDatabase>, now: Date): Promise<number> => expireDueQuoteRows(db, now);
