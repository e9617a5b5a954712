import { toMoney } from '@platform/kernel';
import type { PriceBreakdown as PriceBreakdownGql, PriceTotals } from '../__generated__/resolvers-types.ts';
import type { PriceBreakdown } from '../domain/price-lookup.ts';
import type { Totals } from '../domain/pricing.ts';
import { priceLine } from './price-line.ts';
import { vatRate } from './vat-rate.ts';

const totals = (t: Totals, currency: string): PriceTotals => ({
  subtotal: toMoney(t.subtotalMinor, currency),
  vat: toMoney(t.vatMinor, currency),
  total: toMoney(t.totalMinor, currency),
});

export const priceBreakdown = (b: PriceBreakdown): PriceBreakdownGql => ({
  pricedAt: b.pricedAt,
  lines: b.lines.map((l) => priceLine(l, b.currency)),
  vatRate: vatRate(b.vatRate),
  monthly: totals(b.monthly, b.currency),
  hourly: totals(b.hourly, b.currency),
});
