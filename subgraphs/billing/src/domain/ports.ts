/**
 * Ports that billing core offers to the rest of the billing subgraph (commission, budgets).
 *
 * Billing periods are calendar months in UTC: `[start, end)` where `start` is 00:00 UTC on the first
 * of the month and `end` is 00:00 UTC on the first of the next month.
 */

/** A billing period: `[start, end)`, a calendar month in UTC. */
export interface BillingPeriod {
  readonly start: Date;
  readonly end: Date;
}

/** What an organisation has accrued in a period so far (minor units, VAT inclusive), batched. */
export interface AccruedSpendSource {
  accruedFor(organizationIds: readonly string[], period: BillingPeriod): Promise<ReadonlyMap<string, bigint>>;
}

/** Finalised bills' totals excluding VAT per customer organisation for a period (commission's base). */
export interface BilledRevenueSource {
  revenueByOrganization(period: BillingPeriod): Promise<ReadonlyMap<string, bigint>>;
}
