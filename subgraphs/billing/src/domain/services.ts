import type { Logger } from '@platform/kernel';
import type { BillingDb } from '../db/types.ts';
import { BillService } from './bill-service.ts';
import type { Clock } from './clock.ts';
import type { PriceSchedulePort, SettlementPort } from './ports.ts';

/** Built once per subgraph (defineSubgraph's `services`); requests, tasks and consumers share them. */
export interface BillingServices {
  readonly bills: BillService;
  readonly clock: Clock;
  /** Where invoice documents are served (set once the server listens). */
  readonly invoiceBaseUrl: () => string;
}

export interface BillingPorts {
  readonly prices: PriceSchedulePort;
  readonly freshPrices: PriceSchedulePort;
  readonly settlement: SettlementPort;
}

export const createServices = (db: BillingDb, ports: BillingPorts, clock: Clock, logger: Logger, invoiceBaseUrl: () => string): BillingServices => ({
  bills: new BillService(db, ports.prices, ports.freshPrices, ports.settlement, clock, logger),
  clock,
  invoiceBaseUrl,
});
