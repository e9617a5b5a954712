import type { BillingPeriod } from './ports.ts';
import type { PriceSchedule, RatedUsage } from './rating.ts';

interface Entry {
  readonly version: bigint;
  readonly prices: string;
  readonly rated: RatedUsage;
}

const fingerprints = new WeakMap<PriceSchedule, string>();

/** The schedule's content as text (computed once per schedule object): a price or VAT change gives another. */
export function scheduleFingerprint(schedule: PriceSchedule): string {
  let text = fingerprints.get(schedule);
  if (text === undefined) {
    const prices = [...schedule.prices]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sku, list]) => `${sku}=${list.map((p) => `${p.productId}:${p.monthlyMinor}@${p.effectiveFrom.getTime()}`).join(',')}`);
    const vat = schedule.vatRates.map((v) => `${v.basisPoints}@${v.effectiveFrom.getTime()}`);
    text = `${schedule.currency};${prices.join(';')};vat=${vat.join(',')}`;
    fingerprints.set(schedule, text);
  }
  return text;
}

/**
 * Rated usage per (organisation, period), reused only while the organisation's usage version (bumped in
 * the database by every write to its observations, from any replica) and the price schedule are those it
 * was rated from. Bounded: the least recently used entry goes first. A capacity of 0 turns it off.
 */
export class RatedUsageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly capacity: number) {}

  get enabled(): boolean {
    return this.capacity > 0;
  }

  get(organizationId: string, period: BillingPeriod, version: bigint, schedule: PriceSchedule): RatedUsage | undefined {
    const key = keyOf(organizationId, period);
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version || entry.prices !== scheduleFingerprint(schedule)) return undefined;
    // Most recently used last (a Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.rated;
  }

  set(organizationId: string, period: BillingPeriod, version: bigint, schedule: PriceSchedule, rated: RatedUsage): void {
    if (!this.enabled) return;
    const key = keyOf(organizationId, period);
    // A slower request that read an older version must not replace a newer rating.
    if ((this.entries.get(key)?.version ?? -1n) > version) return;
    this.entries.delete(key);
    this.entries.set(key, { version, prices: scheduleFingerprint(schedule), rated });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }
}

const keyOf = (organizationId: string, period: BillingPeriod) => `${organizationId}|${period.start.getTime()}`;
