/** What an organisation has accrued in a period so far (minor units, VAT inclusive), batched. */
export interface AccruedSpendSource {
  accruedFor(organizationIds: readonly string[], period: BillingPeriod): Promise<ReadonlyMap<string, bigint>>;
}
/** Finalised bills' totals excluding VAT per customer organisation for a period (commission's base). */
export interface BilledRevenueSource {
  revenueByOrganization(period: BillingPeriod): Promise<ReadonlyMap<string, bigint>>;
}
export interface BillingPeriod {
  readonly start: Date;
  readonly end: Date;
} // [start, end)
