import { DEFAULT_CURRENCY, toMoney } from '@platform/kernel';
import type { PriceLine } from '../__generated__/resolvers-types.ts';
import type { ComponentLine } from '../domain/price-lookup.ts';
import { hourlyFromMonthly } from '../domain/pricing.ts';

/** PriceLine: one priced component; amounts leave as exact decimal strings. */
export const priceLine = (line: ComponentLine, currency = DEFAULT_CURRENCY): PriceLine => ({
  sku: line.sku,
  description: line.description,
  quantity: line.quantity,
  unitMonthly: toMoney(line.unitMonthlyMinor, currency),
  monthly: toMoney(line.monthlyMinor, currency),
  hourly: toMoney(hourlyFromMonthly(line.monthlyMinor), currency),
  priceEffectiveFrom: line.priceEffectiveFrom,
});
