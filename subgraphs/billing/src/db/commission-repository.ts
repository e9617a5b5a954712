import { minorFromDb } from '@platform/kernel';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { CommissionLine, CommissionRate, CommissionStatement, CommissionStatus, CommissionTier, SetCommissionRate } from '../domain/commission.ts';
import type { BillingPeriod } from '../domain/ports.ts';
import type { CommissionRatesTable, CommissionStatementsTable } from './payments-tables.ts';
import type { BillingDatabase, BillingDb } from './types.ts';

type Db = BillingDb | Transaction<BillingDatabase>;

const toRate = (row: Selectable<CommissionRatesTable>): CommissionRate => ({
  resellerId: row.reseller_id,
  tier: row.tier as CommissionTier | null,
  basisPoints: row.basis_points,
  effectiveFrom: row.effective_from,
});

interface StoredLine {
  readonly customerId: string;
  readonly revenueMinor: string;
}

const toStatement = (row: Selectable<CommissionStatementsTable>): CommissionStatement => ({
  id: row.id,
  resellerId: row.reseller_id,
  period: { start: row.period_start, end: row.period_end },
  tier: row.tier as CommissionTier | null,
  basisPoints: row.basis_points,
  baseMinor: minorFromDb(row.base_minor),
  amountMinor: minorFromDb(row.amount_minor),
  currency: row.currency,
  status: row.status as CommissionStatus,
  lines: (row.lines as StoredLine[]).map((l) => ({ customerId: l.customerId, revenueMinor: BigInt(l.revenueMinor) })),
  computedAt: row.computed_at,
  approvedAt: row.approved_at,
  paidAt: row.paid_at,
});

/** A rate from `effectiveFrom` on; setting one again at the same instant replaces it. */
export async function upsertRate(trx: Transaction<BillingDatabase>, id: string, r: SetCommissionRate): Promise<CommissionRate> {
  const row = await trx
    .insertInto('commission_rates')
    .values({ id, reseller_id: r.resellerId, tier: r.tier, basis_points: r.basisPoints, effective_from: r.effectiveFrom, set_by: r.setBy })
    .onConflict((oc) => oc.columns(['reseller_id', 'effective_from']).doUpdateSet({ tier: r.tier, basis_points: r.basisPoints, set_by: r.setBy }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRate(row);
}

/** The rate in force at `at` per reseller (those with none set are left out). */
export async function ratesAt(db: Db, resellerIds: readonly string[], at: Date): Promise<Map<string, CommissionRate>> {
  if (resellerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('commission_rates')
    .selectAll()
    .distinctOn('reseller_id')
    .where('reseller_id', 'in', resellerIds)
    .where('effective_from', '<=', at)
    .orderBy('reseller_id')
    .orderBy('effective_from', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.reseller_id, toRate(row)]));
}

export async function resellersWithRates(db: Db): Promise<string[]> {
  return (await db.selectFrom('commission_rates').select('reseller_id').distinct().execute()).map((r) => r.reseller_id);
}

export interface StatementValues {
  readonly id: string;
  readonly resellerId: string;
  readonly period: BillingPeriod;
  readonly tier: CommissionTier | null;
  readonly basisPoints: number;
  readonly baseMinor: bigint;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly lines: readonly CommissionLine[];
}

/**
 * Writes a statement, or recomputes a PENDING one. An APPROVED or PAID statement is never changed:
 * the update's condition leaves it as it is (returns null then).
 */
export async function upsertPendingStatement(trx: Transaction<BillingDatabase>, s: StatementValues): Promise<CommissionStatement | null> {
  const lines = JSON.stringify(s.lines.map((l) => ({ customerId: l.customerId, revenueMinor: l.revenueMinor.toString() })));
  const values = {
    tier: s.tier,
    basis_points: s.basisPoints,
    base_minor: s.baseMinor.toString(),
    amount_minor: s.amountMinor.toString(),
    currency: s.currency,
    lines,
  };
  const row = await trx
    .insertInto('commission_statements')
    .values({ id: s.id, reseller_id: s.resellerId, period_start: s.period.start, period_end: s.period.end, status: 'PENDING', ...values })
    .onConflict((oc) =>
      oc
        .columns(['reseller_id', 'period_start'])
        .doUpdateSet({ ...values, computed_at: sql<Date>`now()` })
        .where('commission_statements.status', '=', 'PENDING'),
    )
    .returningAll()
    .executeTakeFirst();
  return row ? toStatement(row) : null;
}

export async function findStatements(db: Db, ids: readonly string[]): Promise<CommissionStatement[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('commission_statements').selectAll().where('id', 'in', ids).execute()).map(toStatement);
}

export async function lockStatement(trx: Transaction<BillingDatabase>, id: string): Promise<CommissionStatement | null> {
  const row = await trx.selectFrom('commission_statements').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toStatement(row) : null;
}

export async function markApproved(trx: Transaction<BillingDatabase>, id: string, by: string, at: Date): Promise<CommissionStatement> {
  const row = await trx
    .updateTable('commission_statements')
    .set({ status: 'APPROVED', approved_at: at, approved_by: by })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStatement(row);
}

export async function markPaid(trx: Transaction<BillingDatabase>, id: string, at: Date): Promise<CommissionStatement> {
  const row = await trx.updateTable('commission_statements').set({ status: 'PAID', paid_at: at }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toStatement(row);
}

/** One page of statements (newest period first) per reseller, in a single statement. */
export async function statementPages(
  db: Db,
  resellerIds: readonly string[],
  fetch: number,
  after: [string, string] | null,
): Promise<Map<string, CommissionStatement[]>> {
  const pages = new Map<string, CommissionStatement[]>(resellerIds.map((id) => [id, []]));
  if (resellerIds.length === 0) return pages;
  const ranked = db
    .selectFrom('commission_statements')
    .selectAll()
    .select(sql<number>`row_number() over (partition by reseller_id order by period_start desc, id desc)`.as('rank'))
    .where('reseller_id', 'in', resellerIds)
    .$if(after !== null, (q) => q.where(sql<boolean>`(period_start, id) < (${new Date(after![0])}, ${after![1]}::uuid)`));
  const rows = await db.selectFrom(ranked.as('ranked')).selectAll().where('rank', '<=', fetch).orderBy('reseller_id').orderBy('rank').execute();
  for (const row of rows) pages.get(row.reseller_id)?.push(toStatement(row));
  return pages;
}
