import { toMoney } from '@platform/kernel';
import type { InternalPrice } from '../__generated__/resolvers-types.ts';
import type { PricedItem } from '../domain/price-lookup.ts';
import { hourlyFromMonthly } from '../domain/pricing.ts';
import { priceLine } from './price-line.ts';

export const internalPrice = (item: PricedItem): InternalPrice => ({
  at: item.at,
  productId: item.product?.id ?? null,
  sku: item.product?.sku ?? null,
  monthly: toMoney(item.unitMonthlyMinor, item.currency),
  hourly: toMoney(hourlyFromMonthly(item.unitMonthlyMinor), item.currency),
  lines: item.lines.map((l) => priceLine(l, item.currency)),
});
