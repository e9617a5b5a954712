import { byIdLoader, groupedLoader, isUuid, pageLoader } from '@platform/kernel';
import type { Bill, BillLine } from './domain/bill.ts';
import type { CurrentBill, UsageTotals } from './domain/bill-service.ts';
import type { BillingServices } from './domain/services.ts';

/** Fresh per request: one statement per entity type (or per parent group) per request, whatever the page size. */
export function createLoaders(services: BillingServices) {
  const { bills } = services;
  return {
    // isUuid: a malformed id from a representation is null without reaching SQL.
    billById: byIdLoader(
      (ids) => bills.byIds(ids),
      (bill: Bill) => bill.id,
      isUuid,
    ),
    billsOfOrganization: pageLoader<Bill, string>((orgIds, { fetch, after }) => bills.billPages(orgIds, fetch, after)),
    linesOfBill: pageLoader<BillLine, number>((billIds, { fetch, after }) => bills.linePages(billIds, fetch, after ?? 0)),
    currentBill: groupedLoader<null, CurrentBill | null>((orgIds) => bills.currentBills(orgIds), null),
    costToDate: groupedLoader<null, { organizationId: string; amountMinor: bigint; currency: string } | null>((vmIds) => bills.costsToDate(vmIds), null),
    usage: groupedLoader<{ start: string; end: string }, UsageTotals | null>(
      (orgIds, q) => bills.usage(orgIds, { start: new Date(q.start), end: new Date(q.end) }),
      null,
    ),
  };
}

export type BillingLoaders = ReturnType<typeof createLoaders>;
