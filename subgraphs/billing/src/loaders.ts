import { byIdLoader, groupedLoader, isUuid, pageLoader } from '@platform/kernel';
import type { BudgetView } from './domain/budget.ts';
import type { CommissionRate, CommissionStatement } from './domain/commission.ts';
import type { Note } from './domain/note.ts';
import type { TopUp } from './domain/payments.ts';
import type { BillingServices } from './domain/services.ts';

/** Fresh per request: one statement per entity type per request, whatever the page size. */
export function createLoaders(services: BillingServices) {
  return {
    // isUuid: a malformed id from a representation is null without reaching SQL.
    noteById: byIdLoader(
      (ids) => services.notes.byIds(ids),
      (note: Note) => note.id,
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
  };
}

export type BillingLoaders = ReturnType<typeof createLoaders>;
