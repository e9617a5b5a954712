import type { PriceSchedule } from './rating.ts';

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

/**
 * catalog (scope catalog:price): every price and VAT rate in force during [from, to), for the VM component
 * SKUs and at least the licence / add-on SKUs in `extraSkus` (those the usage being rated carries).
 */
export interface PriceSchedulePort {
  scheduleFor(from: Date, to: Date, extraSkus?: readonly string[]): Promise<PriceSchedule>;
}

/** The outcome of settling a bill from the organisation's wallet. */
export type SettlementOutcome =
  | { readonly kind: 'PAID'; readonly transactionId: string }
  /** The wallet refused (funds short, or the organisation may not spend): the bill stays unpaid. */
  | { readonly kind: 'REFUSED'; readonly code: string; readonly message: string };

/** wallet (scope wallet:debit): debits a bill with the bill id as idempotency key. Throws when the wallet cannot be reached. */
export interface SettlementPort {
  settle(bill: {
    readonly id: string;
    readonly organizationId: string;
    readonly totalMinor: bigint;
    readonly currency: string;
    readonly invoiceNumber: string;
  }): Promise<SettlementOutcome>;
}

/** tenancy (scope tenancy:write): suspends an organisation, and lifts that suspension; idempotent. Throws when tenancy cannot be reached or refuses. */
export interface SuspensionPort {
  suspend(organizationId: string, reason: string): Promise<void>;
  /** Lifts a suspension billing made; a person's suspension stands (false). */
  resume(organizationId: string, reason: string): Promise<boolean>;
}

/** A VM as the vms inventory reports it now. */
export interface InventoryVm {
  readonly id: string;
  readonly organizationId: string;
  readonly productId: string | null;
  readonly status: string;
  readonly powerState: string;
  readonly vcpu: number | null;
  readonly cpuSpeed: string;
  readonly memoryMib: number | null;
  readonly diskGib: number;
  readonly storageTier: string;
  /** SKUs of the LICENCE / ADD_ON products it carries; absent means none. */
  readonly licences?: readonly string[];
  readonly addOns?: readonly string[];
  /** When it was created or imported. */
  readonly createdAt: Date;
}

/** vms (scope vms:read): the inventory in id order, a page at a time. */
export interface InventoryPort {
  page(after: string | null, first: number): Promise<InventoryVm[]>;
}
