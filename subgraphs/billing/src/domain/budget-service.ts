import { eventMoney, writeOutbox } from '@platform/events';
import { inTransaction } from '@platform/kernel';
import { budgetBatch, deleteBudget, findBudgets, recordThreshold, thresholdsReached, upsertBudget } from '../db/budget-repository.ts';
import type { BillingDb } from '../db/types.ts';
import { type Budget, type BudgetView, thresholdsAt } from './budget.ts';
import { monthOf } from './payments-month.ts';
import type { AccruedSpendSource } from './ports.ts';

const BATCH = 500;

/**
 * Monthly budgets. The checking pass compares each organisation's accrued spend (batched through
 * AccruedSpendSource) with its budget and announces 80 % and 100 % once per threshold per period:
 * the recorded threshold and its outbox event commit together.
 */
export class BudgetService {
  private readonly clock: () => Date;

  constructor(
    private readonly db: BillingDb,
    private readonly spend: AccruedSpendSource,
    clock?: () => Date,
  ) {
    this.clock = clock ?? (() => new Date());
  }

  /** Sets the budget, or clears it with null (returns null then). */
  async set(command: { organizationId: string; amountMinor: bigint | null; currency: string; setBy: string }): Promise<BudgetView | null> {
    const { amountMinor } = command;
    await inTransaction(this.db, async (trx) => {
      if (amountMinor === null) await deleteBudget(trx, command.organizationId);
      else await upsertBudget(trx, { ...command, amountMinor });
    });
    return (await this.views([command.organizationId])).get(command.organizationId) ?? null;
  }

  /** Budgets with this period's spend, for many organisations: one budget statement, one spend batch. */
  async views(organizationIds: readonly string[]): Promise<Map<string, BudgetView>> {
    const budgets = await findBudgets(this.db, organizationIds);
    if (budgets.length === 0) return new Map();
    const period = monthOf(this.clock());
    const ids = budgets.map((b) => b.organizationId);
    const [spent, reached] = await Promise.all([this.spend.accruedFor(ids, period), thresholdsReached(this.db, ids, period.start)]);
    return new Map(
      budgets.map((b) => [
        b.organizationId,
        { ...b, period, spentMinor: spent.get(b.organizationId) ?? 0n, thresholdsReached: reached.get(b.organizationId) ?? [] },
      ]),
    );
  }

  /** One checking pass over every budget; returns how many threshold events it wrote. */
  async check(): Promise<number> {
    const period = monthOf(this.clock());
    let written = 0;
    let after: string | null = null;
    for (;;) {
      const batch: Budget[] = await budgetBatch(this.db, after, BATCH);
      if (batch.length === 0) return written;
      after = batch.at(-1)!.organizationId;
      const spent = await this.spend.accruedFor(
        batch.map((b) => b.organizationId),
        period,
      );
      for (const budget of batch) {
        const spentMinor = spent.get(budget.organizationId) ?? 0n;
        for (const thresholdPercent of thresholdsAt(spentMinor, budget.amountMinor)) {
          const isNew = await inTransaction(this.db, async (trx) => {
            if (
              !(await recordThreshold(trx, {
                organizationId: budget.organizationId,
                periodStart: period.start,
                thresholdPercent,
                budgetMinor: budget.amountMinor,
                spentMinor,
              }))
            )
              return false;
            await writeOutbox(trx, 'billing.budget.threshold_reached', {
              organizationId: budget.organizationId,
              thresholdPercent,
              periodStart: period.start.toISOString(),
              periodEnd: period.end.toISOString(),
              budget: eventMoney(budget.amountMinor, budget.currency),
              spent: eventMoney(spentMinor, budget.currency),
            });
            return true;
          });
          if (isNew) written += 1;
        }
      }
      if (batch.length < BATCH) return written;
    }
  }
}
