import { minorFromDb } from '@platform/kernel';
import type { Selectable, Transaction } from 'kysely';
import type { Budget } from '../domain/budget.ts';
import type { BudgetsTable } from './payments-tables.ts';
import type { BillingDatabase, BillingDb } from './types.ts';

type Db = BillingDb | Transaction<BillingDatabase>;

const toBudget = (row: Selectable<BudgetsTable>): Budget => ({
  organizationId: row.organization_id,
  amountMinor: minorFromDb(row.amount_minor),
  currency: row.currency,
  updatedAt: row.updated_at,
});

export async function upsertBudget(
  trx: Transaction<BillingDatabase>,
  b: { organizationId: string; amountMinor: bigint; currency: string; setBy: string },
): Promise<Budget> {
  const values = { amount_minor: b.amountMinor.toString(), currency: b.currency, set_by: b.setBy, updated_at: new Date() };
  const row = await trx
    .insertInto('budgets')
    .values({ organization_id: b.organizationId, ...values })
    .onConflict((oc) => oc.column('organization_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toBudget(row);
}

export async function deleteBudget(trx: Transaction<BillingDatabase>, organizationId: string): Promise<void> {
  await trx.deleteFrom('budgets').where('organization_id', '=', organizationId).execute();
}

export async function findBudgets(db: Db, organizationIds: readonly string[]): Promise<Budget[]> {
  if (organizationIds.length === 0) return [];
  return (await db.selectFrom('budgets').selectAll().where('organization_id', 'in', organizationIds).execute()).map(toBudget);
}

/** Budgets in organisation id order after `after` (the checking pass walks them in batches). */
export async function budgetBatch(db: Db, after: string | null, limit: number): Promise<Budget[]> {
  const rows = await db
    .selectFrom('budgets')
    .selectAll()
    .$if(after !== null, (q) => q.where('organization_id', '>', after!))
    .orderBy('organization_id')
    .limit(limit)
    .execute();
  return rows.map(toBudget);
}

/** Records a threshold for a period; false when it was reached (and announced) before. */
export async function recordThreshold(
  trx: Transaction<BillingDatabase>,
  r: { organizationId: string; periodStart: Date; thresholdPercent: number; budgetMinor: bigint; spentMinor: bigint },
): Promise<boolean> {
  const row = await trx
    .insertInto('budget_thresholds_reached')
    .values({
      organization_id: r.organizationId,
      period_start: r.periodStart,
      threshold_percent: r.thresholdPercent,
      budget_minor: r.budgetMinor.toString(),
      spent_minor: r.spentMinor.toString(),
    })
    .onConflict((oc) => oc.columns(['organization_id', 'period_start', 'threshold_percent']).doNothing())
    .returning('threshold_percent')
    .executeTakeFirst();
  return row !== undefined;
}

export async function thresholdsReached(db: Db, organizationIds: readonly string[], periodStart: Date): Promise<Map<string, number[]>> {
  const result = new Map<string, number[]>(organizationIds.map((id) => [id, []]));
  if (organizationIds.length === 0) return result;
  const rows = await db
    .selectFrom('budget_thresholds_reached')
    .select(['organization_id', 'threshold_percent'])
    .where('organization_id', 'in', organizationIds)
    .where('period_start', '=', periodStart)
    .orderBy('threshold_percent')
    .execute();
  for (const row of rows) result.get(row.organization_id)?.push(row.threshold_percent);
  return result;
}
