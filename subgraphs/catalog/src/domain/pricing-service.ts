import type { Kysely } from 'kysely';
import { allSettledOrThrow, fail } from '@platform/kernel';
import type { CatalogDatabase } from '../db/types.ts';
import { findPriceSchedule, findVatSchedule, type ScheduledPrice, type ScheduledVatRate } from '../db/schedule-repository.ts';
import { findVatRateAt } from '../db/vat-repository.ts';
import { breakdownOf, type PriceBreakdown, type PricedItem, type PriceLookup, type PriceQuery } from './price-lookup.ts';
import type { VatRate } from './vat.ts';
import type { VmSpec } from './vm-spec.ts';

/** Prices at an instant: custom VMs for people (with VAT), products and specs for other subgraphs (net). */
export class PricingService {
  constructor(
    private readonly db: Kysely<CatalogDatabase>,
    private readonly lookup: PriceLookup,
  ) {}

  vatRateAt(at: Date): Promise<VatRate | null> {
    return findVatRateAt(this.db, at);
  }

  /** A custom VM priced at `at` with VAT: two statements (components, VAT rate), run together. */
  async priceVirtualMachine(spec: VmSpec, at: Date): Promise<PriceBreakdown> {
    const [[item], vat] = await allSettledOrThrow([this.lookup.price([{ subject: { spec }, at, field: '' }], { requireActive: true }), this.vatRateAt(at)]);
    if (!vat) throw fail('INVALID_STATE', `No VAT rate is in force at ${at.toISOString()}.`);
    return breakdownOf(item!, vat);
  }

  /** For other subgraphs: net prices of products and specs at their instants, in ONE SQL statement. */
  internalPrices(queries: readonly PriceQuery[]): Promise<PricedItem[]> {
    return this.lookup.price(queries, { requireActive: false });
  }

  /** For billing: every price of the SKUs and every VAT rate in force during [from, to); two statements, run together. */
  async internalPriceSchedule(
    skus: readonly string[],
    from: Date,
    to: Date,
  ): Promise<{ readonly prices: ScheduledPrice[]; readonly vatRates: ScheduledVatRate[] }> {
    const [prices, vatRates] = await allSettledOrThrow([findPriceSchedule(this.db, skus, from, to), findVatSchedule(this.db, from, to)]);
    return { prices, vatRates };
  }
}
