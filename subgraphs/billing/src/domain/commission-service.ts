import { eventMoney, writeOutbox } from '@platform/events';
import { badInput, DEFAULT_CURRENCY, divideHalfEven, fail, inTransaction, newId, type OrgDirectory } from '@platform/kernel';
import type { Transaction } from 'kysely';
import {
  findStatements,
  lockStatement,
  markApproved,
  markPaid,
  ratesAt,
  resellersWithRates,
  statementPages,
  upsertPendingStatement,
  upsertRate,
} from '../db/commission-repository.ts';
import type { BillingDatabase, BillingDb } from '../db/types.ts';
import { type CommissionLine, type CommissionRate, type CommissionStatement, DEFAULT_TIER, type SetCommissionRate, TIER_BASIS_POINTS } from './commission.ts';
import type { WalletPayments } from './payments.ts';
import type { BilledRevenueSource, BillingPeriod } from './ports.ts';

export interface CommissionOptions {
  readonly revenue: BilledRevenueSource;
  readonly orgDirectory: OrgDirectory;
  readonly wallet: WalletPayments;
  readonly clock?: () => Date;
}

export interface CommissionRun {
  /** Statements written or recomputed (PENDING). */
  readonly computed: number;
  /** Approved or paid statements left exactly as they were. */
  readonly frozen: number;
}

/** The commission a statement earns: the base times the rate, rounded once, half-even. */
export const commissionOn = (baseMinor: bigint, basisPoints: number): bigint => divideHalfEven(baseMinor * BigInt(basisPoints), 10_000n);

/**
 * Reseller commission. Each period's statement is computed from the billed revenue (excluding VAT)
 * of the customers directly under the reseller, at the rate in force when the period starts; it
 * moves PENDING → APPROVED → PAID. Recomputing leaves approved and paid statements untouched, and
 * payment credits the reseller's wallet with the statement id as the idempotency key.
 */
export class CommissionService {
  private readonly clock: () => Date;

  constructor(
    private readonly db: BillingDb,
    private readonly options: CommissionOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async setRate(command: SetCommissionRate): Promise<CommissionRate> {
    const node = (await this.options.orgDirectory.lookup([command.resellerId])).get(command.resellerId);
    if (node?.kind !== 'RESELLER') throw badInput('resellerId', 'must be a reseller organisation.');
    return inTransaction(this.db, (trx) => upsertRate(trx, newId(), command));
  }

  /** The rate in force at `at` per reseller; a reseller without one gets the default tier. */
  async ratesAt(resellerIds: readonly string[], at: Date): Promise<Map<string, CommissionRate>> {
    const set = await ratesAt(this.db, resellerIds, at);
    return new Map(
      resellerIds.map((id) => [id, set.get(id) ?? { resellerId: id, tier: DEFAULT_TIER, basisPoints: TIER_BASIS_POINTS[DEFAULT_TIER], effectiveFrom: null }]),
    );
  }

  /** Computes every reseller's statement for `period`; run it again and only PENDING ones change. */
  async compute(period: BillingPeriod): Promise<CommissionRun> {
    if (period.end.getTime() > this.clock().getTime())
      throw fail('INVALID_STATE', 'The period has not ended yet: commission is computed from closed periods only.');
    const revenue = await this.options.revenue.revenueByOrganization(period);
    const customers = await this.options.orgDirectory.lookup([...revenue.keys()]);
    // A customer's parent is the last of its ancestors; commission goes to resellers only.
    const byParent = new Map<string, CommissionLine[]>();
    for (const [customerId, revenueMinor] of revenue) {
      const node = customers.get(customerId);
      const parent = node?.kind === 'CUSTOMER' ? node.ancestors.at(-1) : undefined;
      if (parent === undefined) continue;
      byParent.set(parent, [...(byParent.get(parent) ?? []), { customerId, revenueMinor }]);
    }
    const candidates = [...new Set([...byParent.keys(), ...(await resellersWithRates(this.db))])];
    const parents = await this.options.orgDirectory.lookup(candidates);
    const resellers = candidates.filter((id) => parents.get(id)?.kind === 'RESELLER').sort();
    const rates = await this.ratesAt(resellers, period.start);
    return inTransaction(this.db, async (trx) => {
      let computed = 0;
      for (const resellerId of resellers) {
        const lines = (byParent.get(resellerId) ?? []).sort((a, b) => a.customerId.localeCompare(b.customerId));
        const baseMinor = lines.reduce((sum, line) => sum + line.revenueMinor, 0n);
        const rate = rates.get(resellerId)!;
        const written = await upsertPendingStatement(trx, {
          id: newId(),
          resellerId,
          period,
          tier: rate.tier,
          basisPoints: rate.basisPoints,
          baseMinor,
          amountMinor: commissionOn(baseMinor, rate.basisPoints),
          currency: DEFAULT_CURRENCY,
          lines,
        });
        if (written) computed += 1;
      }
      return { computed, frozen: resellers.length - computed };
    });
  }

  byIds(ids: readonly string[]): Promise<CommissionStatement[]> {
    return findStatements(this.db, ids);
  }

  pagesFor(resellerIds: readonly string[], fetch: number, after: [string, string] | null): Promise<Map<string, CommissionStatement[]>> {
    return statementPages(this.db, resellerIds, fetch, after);
  }

  async approve(id: string, by: string): Promise<CommissionStatement> {
    return inTransaction(this.db, async (trx) => {
      const statement = await this.locked(trx, id);
      if (statement.status !== 'PENDING') throw fail('INVALID_STATE', `The statement is ${statement.status}: only a PENDING statement can be approved.`);
      const approved = await markApproved(trx, id, by, this.clock());
      await this.emit(trx, approved);
      return approved;
    });
  }

  /** Pays an approved statement into the reseller's wallet; paying a paid one again returns it unchanged. */
  async pay(id: string): Promise<CommissionStatement> {
    const [statement] = await findStatements(this.db, [id]);
    if (!statement) throw fail('NOT_FOUND', 'id: no commission statement you can see has this id.', { field: 'id' });
    if (statement.status === 'PAID') return statement;
    if (statement.status !== 'APPROVED') throw fail('INVALID_STATE', 'The statement is PENDING: approve it before paying it.');
    // The wallet call is keyed by the statement id, so concurrent or repeated payments credit once.
    if (statement.amountMinor > 0n) {
      await this.options.wallet.payCommission({
        resellerId: statement.resellerId,
        amountMinor: statement.amountMinor,
        currency: statement.currency,
        statementId: statement.id,
        description: `Commission ${statement.period.start.toISOString().slice(0, 7)}`,
      });
    }
    return inTransaction(this.db, async (trx) => {
      const current = await this.locked(trx, id);
      if (current.status === 'PAID') return current;
      const paid = await markPaid(trx, id, this.clock());
      await this.emit(trx, paid);
      return paid;
    });
  }

  private async locked(trx: Transaction<BillingDatabase>, id: string): Promise<CommissionStatement> {
    const statement = await lockStatement(trx, id);
    if (!statement) throw fail('NOT_FOUND', 'id: no commission statement you can see has this id.', { field: 'id' });
    return statement;
  }

  private async emit(trx: Transaction<BillingDatabase>, s: CommissionStatement): Promise<void> {
    await writeOutbox(trx, 'billing.commission_statement.changed', {
      statementId: s.id,
      resellerId: s.resellerId,
      status: s.status,
      periodStart: s.period.start.toISOString(),
      periodEnd: s.period.end.toISOString(),
      amount: eventMoney(s.amountMinor, s.currency),
    });
  }
}
