import { periodBefore } from '@platform/billing';
import type { Platform } from './start-platform.ts';

/**
 * The demo's bill history: last month closed for the seeded fleet, so the dashboard shows a bill with an
 * invoice from the first start rather than after the close task's first run. The fleet's VMs carry no
 * events, so billing's reconciliation learns them first (from their creation time); then the close issues
 * one numbered bill per customer and settles it from the wallet. Both are idempotent: a later start issues
 * nothing. Returns how many bills this run issued.
 */
export async function seedDemoBills(platform: Platform, now: Date = new Date()): Promise<number> {
  await platform.billing.reconcile();
  return (await platform.billing.closePeriod(periodBefore(now))).issued;
}
