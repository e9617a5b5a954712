import type { Kysely } from 'kysely';
import { eventMoney, writeOutbox } from '@platform/events';
import { allSettledOrThrow, DEFAULT_CURRENCY, fail, inTransaction, newId } from '@platform/kernel';
import { expireDueQuotes, findQuotesByIds, insertQuote, markAccepted, markExpired } from '../db/quote-repository.ts';
import type { CatalogDatabase } from '../db/types.ts';
import { findVatRateAt } from '../db/vat-repository.ts';
import type { PriceLookup } from './price-lookup.ts';
import { lineAmount, totalsOf } from './pricing.ts';
import { statusAt, type Quote, type QuoteLine, type QuoteWithLines } from './quote.ts';
import { DAY_MS, type QuoteRequest } from './quote-request.ts';
import { describeVmSpec } from './vm-spec.ts';

function notDraft(quote: Quote, now: Date, action: string): Error {
  const status = statusAt(quote, now);
  if (status === 'EXPIRED') {
    return fail('INVALID_STATE', `Quote expired at ${(quote.expiredAt ?? quote.validUntil).toISOString()}; it cannot be ${action}.`, { status });
  }
  return fail('INVALID_STATE', `Quote is ${status}; it cannot be ${action}.`, { status });
}

/** Quotes: priced offers to one organisation, DRAFT → ACCEPTED or EXPIRED. */
export class QuoteService {
  constructor(
    private readonly db: Kysely<CatalogDatabase>,
    private readonly lookup: PriceLookup,
    /** How long a DRAFT can be accepted. */
    private readonly validityDays: number,
  ) {}

  /**
   * Prices every line at one instant (prices and VAT in force then), rounds each line once, and writes
   * the DRAFT with its lines in one transaction. Any bad line rejects the whole quote before writing.
   */
  async create(request: QuoteRequest, now: Date): Promise<QuoteWithLines> {
    const { pricedAt } = request;
    const [items, vatRate] = await allSettledOrThrow([
      this.lookup.price(
        request.lines.map((l) => l.query),
        { requireActive: true },
      ),
      findVatRateAt(this.db, pricedAt),
    ]);
    if (!vatRate) throw fail('INVALID_STATE', `No VAT rate is in force at ${pricedAt.toISOString()}.`);

    const quoteId = newId();
    const lines: QuoteLine[] = request.lines.map((p, i) => {
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
    const totals = totalsOf(
      lines.map((l) => l.amountMinor),
      vatRate.basisPoints,
    );
    const quote: Quote = {
      id: quoteId,
      organizationId: request.organizationId,
      status: 'DRAFT',
      currency: DEFAULT_CURRENCY,
      pricedAt,
      validUntil: new Date(now.getTime() + this.validityDays * DAY_MS),
      subtotalMinor: totals.subtotalMinor,
      vatRate,
      vatMinor: totals.vatMinor,
      totalMinor: totals.totalMinor,
      createdBy: request.createdBy,
      createdAt: now,
      acceptedAt: null,
      expiredAt: null,
    };
    await inTransaction(this.db, (trx) => insertQuote(trx, quote, lines));
    return { quote, lines };
  }

  /**
   * DRAFT → ACCEPTED while valid. One conditional UPDATE decides, so of concurrent accepts exactly one
   * wins; the acceptance and its outbox event commit together.
   */
  accept(quoteId: string, now: Date): Promise<Quote> {
    return inTransaction(this.db, async (trx) => {
      const accepted = await markAccepted(trx, quoteId, now);
      if (!accepted) throw notDraft(await this.current(trx, quoteId), now, 'accepted');
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
  expire(quoteId: string, now: Date): Promise<Quote> {
    return inTransaction(this.db, async (trx) => {
      const expired = await markExpired(trx, quoteId, now);
      if (expired) return expired;
      const current = await this.current(trx, quoteId);
      if (current.status === 'EXPIRED') return current;
      throw notDraft(current, now, 'expired');
    });
  }

  private async current(db: Kysely<CatalogDatabase>, quoteId: string): Promise<Quote> {
    const [current] = await findQuotesByIds(db, [quoteId]);
    if (!current) throw fail('NOT_FOUND', 'Quote not found.');
    return current;
  }
}

/** The sweeper's step: records drafts past their validity as EXPIRED. Reads already treat them so. */
export class QuoteSweep {
  constructor(private readonly db: Kysely<CatalogDatabase>) {}

  run(now: Date): Promise<number> {
    return expireDueQuotes(this.db, now);
  }
}
