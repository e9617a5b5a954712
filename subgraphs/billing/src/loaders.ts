import { byIdLoader, groupedLoader, isUuid, pageLoader } from '@platform/kernel';
import type { BudgetView } from './domain/budget.ts';
import type { CommissionRate, CommissionStatement } from './domain/commission.ts';
import type { TopUp } from './domain/payments.ts';
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
    topUpById: byIdLoader(
      (ids) => services.topUps.byIds(ids),
      (topUp: TopUp) => topUp.id,
      isUuid,
    ),
    statementById: byIdLoader(
      (ids) => services.commission.byIds(ids),
      (statement: CommissionStatement) => statement.id,
      isUuid,
    ),
    budgetByOrganization: groupedLoader<null, BudgetView | null>((ids) => services.budgets.views(ids), null),
    topUpPages: pageLoader<TopUp, string>((ids, { fetch, after }) => services.topUps.pagesFor(ids, fetch, after)),
    statementPages: pageLoader<CommissionStatement, [string, string]>((ids, { fetch, after }) => services.commission.pagesFor(ids, fetch, after)),
    rateByReseller: groupedLoader<null, CommissionRate | null>((ids) => services.commission.ratesAt(ids, new Date()), null),
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
