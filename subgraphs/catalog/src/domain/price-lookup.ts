import type { Kysely } from 'kysely';
import { badInput, DEFAULT_CURRENCY, fail } from '@platform/kernel';
import { findPricesAt, type FoundPrice, type PriceRef } from '../db/price-repository.ts';
import type { CatalogDatabase } from '../db/types.ts';
import { hourlyFromMonthly, totalsOf, type Totals } from './pricing.ts';
import type { Product } from './product.ts';
import type { VatRate } from './vat.ts';
import { componentsOf, type ComponentNeed, type VmSpec } from './vm-spec.ts';

/** One priced component: a product's price in force × quantity. Enough to recompute the figure. */
export interface ComponentLine {
  readonly productId: string;
  readonly sku: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitMonthlyMinor: bigint;
  readonly monthlyMinor: bigint;
  readonly priceId: string;
  readonly priceEffectiveFrom: Date;
}

/** A product id already parsed (parseId), or a spec already parsed (parseVmSpec). */
export type PriceSubject = { readonly productId: string } | { readonly spec: VmSpec };

export interface PriceQuery {
  readonly subject: PriceSubject;
  readonly at: Date;
  /** Path of the input this query came from ('lines[2]', 'requests[0]', ''), to name fields in errors. */
  readonly field: string;
}

export interface PricedItem {
  readonly at: Date;
  readonly product: Product | null;
  readonly spec: VmSpec | null;
  readonly currency: string;
  readonly lines: readonly ComponentLine[];
  /** Sum of the lines: the monthly price of one unit. */
  readonly unitMonthlyMinor: bigint;
}

const path = (base: string, name: string): string => (base === '' ? name : `${base}.${name}`);

interface Slot {
  readonly query: number;
  readonly need: ComponentNeed | null; // null: the subject product itself
}

/**
 * Prices any number of products and custom specs, each at its own instant, with ONE SQL statement:
 * every product and every component of every spec becomes one row of a single lookup.
 * `requireActive` refuses retired products named by the caller (quotes); lookups for existing usage
 * (billing) pass false.
 */
export class PriceLookup {
  constructor(private readonly db: Kysely<CatalogDatabase>) {}

  async price(queries: readonly PriceQuery[], { requireActive }: { requireActive: boolean }): Promise<PricedItem[]> {
    return priceFound(queries, requireActive, ...(await this.lookUp(queries)));
  }

  /** One lookup row per product and per spec component, with the slot saying whose it is. */
  private async lookUp(queries: readonly PriceQuery[]): Promise<[readonly FoundPrice[], readonly Slot[]]> {
    const refs: PriceRef[] = [];
    const slots: Slot[] = [];
    queries.forEach((q, index) => {
      if ('productId' in q.subject) {
        refs.push({ productId: q.subject.productId, at: q.at });
        slots.push({ query: index, need: null });
      } else {
        for (const need of componentsOf(q.subject.spec, path(q.field, 'spec'))) {
          refs.push({ sku: need.sku, at: q.at });
          slots.push({ query: index, need });
        }
      }
    });
    return [await findPricesAt(this.db, refs), slots];
  }
}

function priceFound(queries: readonly PriceQuery[], requireActive: boolean, found: readonly FoundPrice[], slots: readonly Slot[]): PricedItem[] {
  const lines: ComponentLine[][] = queries.map(() => []);
  const products: (Product | null)[] = queries.map(() => null);
  found.forEach(({ product, price }, i) => {
    const slot = slots[i]!;
    const query = queries[slot.query]!;
    const at = query.at.toISOString();
    const need = slot.need;
    if (need === null) {
      const field = path(query.field, 'productId');
      if (!product) throw badInput(field, 'no product has this id.');
      if (requireActive && !product.active) throw badInput(field, `${product.sku} is no longer sold.`);
      if (!price) throw badInput(field, `${product.sku} has no price in force at ${at}.`);
      products[slot.query] = product;
      lines[slot.query]!.push(componentLine(product, price.id, price.monthlyMinor, price.effectiveFrom, 1));
      return;
    }
    const chosenByCaller = need.kind === 'LICENCE' || need.kind === 'ADD_ON';
    if (!product || product.kind !== need.kind) {
      if (chosenByCaller) throw badInput(need.field, `no ${need.kind} product has SKU ${need.sku}.`);
      throw fail('INVALID_STATE', `The catalogue lacks the ${need.kind} component ${need.sku}; a custom VM cannot be priced.`);
    }
    if (requireActive && chosenByCaller && !product.active) throw badInput(need.field, `${product.sku} is no longer sold.`);
    if (!price) throw fail('INVALID_STATE', `${product.sku} has no price in force at ${at}.`, { sku: product.sku, at });
    lines[slot.query]!.push(componentLine(product, price.id, price.monthlyMinor, price.effectiveFrom, need.quantity));
  });

  return queries.map((q, i) => {
    const itemLines = lines[i]!;
    return {
      at: q.at,
      product: products[i] ?? null,
      spec: 'spec' in q.subject ? q.subject.spec : null,
      currency: DEFAULT_CURRENCY,
      lines: itemLines,
      unitMonthlyMinor: itemLines.reduce((sum, line) => sum + line.monthlyMinor, 0n),
    };
  });
}

function componentLine(product: Product, priceId: string, unitMonthlyMinor: bigint, effectiveFrom: Date, quantity: number): ComponentLine {
  return {
    productId: product.id,
    sku: product.sku,
    description: product.name,
    quantity,
    unitMonthlyMinor,
    monthlyMinor: unitMonthlyMinor * BigInt(quantity),
    priceId,
    priceEffectiveFrom: effectiveFrom,
  };
}

/** A priced custom VM: its component lines and both columns of totals (see pricing.ts). */
export interface PriceBreakdown {
  readonly pricedAt: Date;
  readonly currency: string;
  readonly lines: readonly ComponentLine[];
  readonly vatRate: VatRate;
  readonly monthly: Totals;
  readonly hourly: Totals;
}

/** Each column is self-consistent: lines rounded once each, subtotal their sum, VAT once on the subtotal. */
export function breakdownOf(item: PricedItem, vatRate: VatRate): PriceBreakdown {
  return {
    pricedAt: item.at,
    currency: item.currency,
    lines: item.lines,
    vatRate,
    monthly: totalsOf(
      item.lines.map((l) => l.monthlyMinor),
      vatRate.basisPoints,
    ),
    hourly: totalsOf(
      item.lines.map((l) => hourlyFromMonthly(l.monthlyMinor)),
      vatRate.basisPoints,
    ),
  };
}
