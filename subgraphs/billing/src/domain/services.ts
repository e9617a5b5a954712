import type { Logger } from '@platform/kernel';
import type { BillingDb } from '../db/types.ts';
import { BillService } from './bill-service.ts';
import type { Clock } from './clock.ts';
import type { PaymentServices } from './payments-services.ts';
import { OverdueSuspension } from './overdue-suspension.ts';
import { RatedUsageCache } from './rated-usage-cache.ts';
import type { InventoryPort, PriceSchedulePort, SettlementPort, SuspensionPort } from './ports.ts';
import { Reconciliation } from './reconciliation.ts';

/** Built once per subgraph (defineSubgraph's `services`); requests, tasks and consumers share them. */
export interface BillingServices extends PaymentServices {
  readonly bills: BillService;
  readonly reconciliation: Reconciliation;
  /** The overdue policy: suspends organisations whose bills stay unpaid (BILLING_SUSPEND_AFTER_DAYS), and lifts it once paid. */
  readonly overdue: OverdueSuspension;
  /** Collection: settles unpaid bills (of one organisation, or all) from the wallet, then lifts suspensions they had caused. */
  readonly collect: Collect;
  readonly clock: Clock;
  /** Where invoice documents are served (set once the server listens). */
  readonly invoiceBaseUrl: () => string;
}

export interface BillingPorts {
  readonly prices: PriceSchedulePort;
  readonly freshPrices: PriceSchedulePort;
  readonly settlement: SettlementPort;
  readonly inventory: InventoryPort;
  readonly suspension: SuspensionPort;
}

/** Settles unpaid bills (of one organisation, or all), then lifts the suspensions paid bills had caused. */
export type Collect = (organizationId?: string) => Promise<void>;

export const createServices = (
  db: BillingDb,
  background: BillingDb,
  ports: BillingPorts,
  /** The money flows, given the bills they read spend and revenue from (budgets, commission). */
  payments: (bills: BillService, collect: Collect) => PaymentServices,
  clock: Clock,
  logger: Logger,
  invoiceBaseUrl: () => string,
  suspendAfterDays: number,
  /** Ratings kept per (organisation, period); 0 rates on every read. */
  ratedUsageCacheSize: number,
): BillingServices => {
  const bills = new BillService(db, ports.prices, ports.freshPrices, ports.settlement, clock, logger, new RatedUsageCache(ratedUsageCacheSize));
  // Background work stays out of requests' statement counts.
  const overdue = new OverdueSuspension(background, ports.suspension, suspendAfterDays, clock, logger);
  const collect: Collect = async (organizationId) => {
    await bills.settleUnpaid(organizationId ? { organizationId } : {});
    await overdue.lift();
  };
  return {
    ...payments(bills, collect),
    bills,
    reconciliation: new Reconciliation(background, ports.inventory, clock, logger),
    overdue,
    collect,
    clock,
    invoiceBaseUrl,
  };
};
