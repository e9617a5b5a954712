import { createServiceClient, parseAmount, type ServiceTokenSource } from '@platform/kernel';
import type { PriceSchedulePort } from '../domain/ports.ts';
import { RATED_SKUS, type PriceSchedule, type ScheduledPrice } from '../domain/rating.ts';

const SCHEDULE = `query BillingPriceSchedule($skus: [String!]!, $from: DateTime!, $to: DateTime!) {
  internalPriceSchedule(skus: $skus, from: $from, to: $to) {
    prices { sku productId monthly { amount currency } effectiveFrom }
    vatRates { basisPoints effectiveFrom }
  }
}`;

interface ScheduleData {
  internalPriceSchedule: {
    prices: { sku: string; productId: string; monthly: { amount: string; currency: string }; effectiveFrom: string }[];
    vatRates: { basisPoints: number; effectiveFrom: string }[];
  };
}

/** catalog answers for at most 200 SKUs at once. */
const MAX_SKUS = 200;

/**
 * catalog's internalPriceSchedule (scope catalog:price), one round trip per window. Answers are kept
 * for `cacheMs` per window, so a dashboard's requests do not each call catalog; a close passes
 * `fresh` to read prices as they are now. Licence and add-on SKUs are asked for as usage names them:
 * every one seen is remembered, so each window's schedule covers them all and one cached answer serves
 * every organisation (a SKU not seen before fetches the window again).
 */
export function catalogSchedule(
  catalogUrl: string | (() => string),
  tokens: ServiceTokenSource,
  cacheMs: number,
): PriceSchedulePort & { fresh: PriceSchedulePort } {
  const catalog = createServiceClient({ url: catalogUrl, tokens });
  const cache = new Map<string, { until: number; skus: ReadonlySet<string>; schedule: Promise<PriceSchedule> }>();
  /** Every licence / add-on SKU asked for so far. */
  const known = new Set<string>();
  const fetchSchedule = async (from: Date, to: Date, extraSkus: readonly string[] = []): Promise<PriceSchedule> => {
    const skus = [...new Set([...RATED_SKUS, ...extraSkus])].slice(0, MAX_SKUS);
    const data = await catalog.request<ScheduleData>(SCHEDULE, { skus, from: from.toISOString(), to: to.toISOString() });
    const prices = new Map<string, ScheduledPrice[]>();
    let currency = 'ZAR';
    for (const p of data.internalPriceSchedule.prices) {
      currency = p.monthly.currency;
      const list = prices.get(p.sku) ?? [];
      list.push({
        productId: p.productId,
        monthlyMinor: parseAmount(p.monthly.amount, 'monthly', { allowZero: true }),
        effectiveFrom: new Date(p.effectiveFrom),
      });
      prices.set(p.sku, list);
    }
    for (const list of prices.values()) list.sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
    const vatRates = data.internalPriceSchedule.vatRates
      .map((v) => ({ basisPoints: v.basisPoints, effectiveFrom: new Date(v.effectiveFrom) }))
      .sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
    return { currency, prices, vatRates };
  };
  return {
    scheduleFor(from, to, extraSkus = []) {
      const key = `${from.getTime()}-${to.getTime()}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.until > now && extraSkus.every((sku) => hit.skus.has(sku))) return hit.schedule;
      for (const sku of extraSkus) known.add(sku);
      const skus = new Set(known);
      const schedule = fetchSchedule(from, to, [...skus].sort());
      cache.set(key, { until: now + cacheMs, skus, schedule });
      // A failed fetch is not kept.
      schedule.catch(() => cache.delete(key));
      return schedule;
    },
    fresh: { scheduleFor: fetchSchedule },
  };
}
