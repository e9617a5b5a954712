import { minorFromDb } from '@platform/kernel';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Bill, BillLine } from '../domain/bill.ts';
import type { BillingPeriod } from '../domain/ports.ts';
import type { RatedLine } from '../domain/rating.ts';
import type { BillingDatabase, BillLinesTable, BillsTable } from './types.ts';

type BillRow = Selectable<BillsTable>;
type LineRow = Selectable<BillLinesTable>;

const toBill = (row: BillRow): Bill => ({
  id: row.id,
  organizationId: row.organization_id,
  period: { start: row.period_start, end: row.period_end },
  status: row.status,
  invoiceNumber: BigInt(row.invoice_number),
  currency: row.currency,
  subtotalMinor: minorFromDb(row.subtotal_minor),
  vatMinor: minorFromDb(row.vat_minor),
  totalMinor: minorFromDb(row.total_minor),
  issuedAt: row.issued_at,
  paidAt: row.paid_at,
  unpaidSince: row.unpaid_since,
  suspendedAt: row.suspended_at,
});

const toLine = (row: LineRow): BillLine & { billId: string } => ({
  billId: row.bill_id,
  position: row.position,
  vmId: row.vm_id ?? '',
  productId: row.product_id ?? '',
  sku: row.sku,
  description: row.description,
  quantity: row.quantity,
  unit: row.unit,
  unitPriceMinor: minorFromDb(row.unit_price_minor),
  millis: minorFromDb(row.hours_millis),
  amountMinor: minorFromDb(row.amount_minor),
  vatBasisPoints: row.vat_bp,
  from: row.period_from,
  to: row.period_to,
});

/**
 * Takes the invoice counter's row lock and returns the last number issued. Every close takes it
 * before anything else, so concurrent closes serialise and numbers are issued in commit order.
 */
export async function lockInvoiceCounter(trx: Transaction<BillingDatabase>): Promise<bigint> {
  const row = await trx.selectFrom('invoice_counter').select('last_number').where('id', '=', true).forUpdate().executeTakeFirstOrThrow();
  return BigInt(row.last_number);
}

export async function setInvoiceCounter(trx: Transaction<BillingDatabase>, last: bigint): Promise<void> {
  await trx.updateTable('invoice_counter').set({ last_number: last.toString() }).where('id', '=', true).execute();
}

export async function findBillOf(
  trx: Transaction<BillingDatabase> | Kysely<BillingDatabase>,
  organizationId: string,
  period: BillingPeriod,
): Promise<Bill | null> {
  const row = await trx
    .selectFrom('bills')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('period_start', '=', period.start)
    .executeTakeFirst();
  return row ? toBill(row) : null;
}

export async function insertBill(trx: Transaction<BillingDatabase>, bill: Bill, lines: readonly RatedLine[]): Promise<void> {
  await trx
    .insertInto('bills')
    .values({
      id: bill.id,
      organization_id: bill.organizationId,
      period_start: bill.period.start,
      period_end: bill.period.end,
      status: bill.status,
      invoice_number: bill.invoiceNumber.toString(),
      currency: bill.currency,
      subtotal_minor: bill.subtotalMinor.toString(),
      vat_minor: bill.vatMinor.toString(),
      total_minor: bill.totalMinor.toString(),
      issued_at: bill.issuedAt,
      paid_at: bill.paidAt,
    })
    .execute();
  // Chunked: a large customer's bill has thousands of lines, PostgreSQL takes at most 65,535 parameters.
  for (let i = 0; i < lines.length; i += 2000) {
    await trx
      .insertInto('bill_lines')
      .values(
        lines.slice(i, i + 2000).map((l, k) => ({
          bill_id: bill.id,
          position: i + k + 1,
          vm_id: l.vmId,
          product_id: l.productId,
          sku: l.sku,
          description: l.description,
          quantity: l.quantity,
          unit: l.unit,
          unit_price_minor: l.unitPriceMinor.toString(),
          hours_millis: l.millis.toString(),
          amount_minor: l.amountMinor.toString(),
          vat_bp: l.vatBasisPoints,
          period_from: l.from,
          period_to: l.to,
        })),
      )
      .execute();
  }
}

export async function billsByIds(db: Kysely<BillingDatabase>, ids: readonly string[]): Promise<Bill[]> {
  if (ids.length === 0) return [];
  return (
    await db
      .selectFrom('bills')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute()
  ).map(toBill);
}

/** A page of each organisation's bills, newest first (ids are uuid v7: id order is issue order). One statement. */
export async function billPages(
  db: Kysely<BillingDatabase>,
  organizationIds: readonly string[],
  fetch: number,
  after: string | null,
): Promise<Map<string, Bill[]>> {
  const { rows } = await sql<BillRow>`
    select b.* from unnest(${[...organizationIds]}::uuid[]) as o(id)
    cross join lateral (
      select * from bills where bills.organization_id = o.id ${after ? sql`and bills.id < ${after}` : sql``}
      order by bills.id desc limit ${fetch}
    ) b`.execute(db);
  const pages = new Map<string, Bill[]>();
  for (const row of rows) {
    const list = pages.get(row.organization_id) ?? [];
    list.push(toBill(row));
    pages.set(row.organization_id, list);
  }
  return pages;
}

/** A page of lines of each bill, in position order. One statement. */
export async function linePages(
  db: Kysely<BillingDatabase>,
  billIds: readonly string[],
  fetch: number,
  afterPosition: number,
): Promise<Map<string, BillLine[]>> {
  const { rows } = await sql<LineRow>`
    select l.* from unnest(${[...billIds]}::uuid[]) as b(id)
    cross join lateral (
      select * from bill_lines where bill_lines.bill_id = b.id and bill_lines.position > ${afterPosition}
      order by bill_lines.position limit ${fetch}
    ) l`.execute(db);
  const pages = new Map<string, BillLine[]>();
  for (const row of rows) {
    const list = pages.get(row.bill_id) ?? [];
    list.push(toLine(row));
    pages.set(row.bill_id, list);
  }
  return pages;
}

/** Every line of one bill (the invoice document). */
export async function allLinesOf(db: Kysely<BillingDatabase>, billId: string): Promise<BillLine[]> {
  return (await db.selectFrom('bill_lines').selectAll().where('bill_id', '=', billId).orderBy('position').execute()).map(toLine);
}

/** Organisations with a bill for the period. */
export async function billedOrganizations(db: Kysely<BillingDatabase>, period: BillingPeriod): Promise<Set<string>> {
  const rows = await db.selectFrom('bills').select('organization_id').where('period_start', '=', period.start).execute();
  return new Set(rows.map((r) => r.organization_id));
}

/** Bills not yet paid (ISSUED: settlement not tried or not answered; UNPAID: refused), oldest first. */
export async function unsettledBills(db: Kysely<BillingDatabase>, limit: number): Promise<Bill[]> {
  return (await db.selectFrom('bills').selectAll().where('status', '<>', 'PAID').orderBy('issued_at').orderBy('id').limit(limit).execute()).map(toBill);
}

export async function markPaid(trx: Transaction<BillingDatabase>, billId: string, transactionId: string, at: Date): Promise<boolean> {
  const r = await trx
    .updateTable('bills')
    .set({ status: 'PAID', paid_at: at, wallet_transaction_id: transactionId })
    .where('id', '=', billId)
    .where('status', '<>', 'PAID')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** ISSUED → UNPAID; false when it was not ISSUED (already unpaid or paid). */
export async function markUnpaid(trx: Transaction<BillingDatabase>, billId: string, at: Date): Promise<boolean> {
  const r = await trx
    .updateTable('bills')
    .set({ status: 'UNPAID', unpaid_since: at })
    .where('id', '=', billId)
    .where('status', '=', 'ISSUED')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Bills UNPAID since `before` or earlier whose organisation has not been suspended for them, oldest first. */
export async function overdueBills(db: Kysely<BillingDatabase>, before: Date, limit: number): Promise<Bill[]> {
  const rows = await db
    .selectFrom('bills')
    .selectAll()
    .where('status', '=', 'UNPAID')
    .where('suspended_at', 'is', null)
    .where('unpaid_since', '<=', before)
    .orderBy('unpaid_since')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toBill);
}

/** Locks a bill that is still UNPAID since `before` or earlier and not yet suspended for; undefined otherwise. */
export async function lockOverdueBill(trx: Transaction<BillingDatabase>, billId: string, before: Date): Promise<Bill | undefined> {
  const row = await trx
    .selectFrom('bills')
    .selectAll()
    .where('id', '=', billId)
    .where('status', '=', 'UNPAID')
    .where('suspended_at', 'is', null)
    .where('unpaid_since', '<=', before)
    .forUpdate()
    .executeTakeFirst();
  return row ? toBill(row) : undefined;
}

/**
 * Serialises the overdue policy per organisation: a suspension and the lifting of one never interleave, so
 * a lift never misses a bill that is being suspended at that moment. Held until the transaction ends.
 */
export async function lockOrganizationBills(trx: Transaction<BillingDatabase>, organizationId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ORGANIZATION_BILLS_LOCK}, hashtext(${organizationId}))`.execute(trx);
}
/** The advisory-lock class of lockOrganizationBills (any fixed number no other lock in this database uses). */
const ORGANIZATION_BILLS_LOCK = 12;

/** Organisations with a paid bill whose suspension has not been lifted yet. */
export async function organizationsToLift(db: Kysely<BillingDatabase>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('bills')
    .select('organization_id')
    .distinct()
    .where('status', '=', 'PAID')
    .where('suspended_at', 'is not', null)
    .where('suspension_lifted_at', 'is', null)
    .orderBy('organization_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.organization_id);
}

/** Whether the organisation still has an unpaid bill it was suspended for. */
export async function hasSuspendedUnpaid(trx: Transaction<BillingDatabase>, organizationId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('bills')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'UNPAID')
    .where('suspended_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Marks the organisation's paid, suspended bills as lifted; returns their invoice numbers. */
export async function markSuspensionLifted(trx: Transaction<BillingDatabase>, organizationId: string, at: Date): Promise<bigint[]> {
  const rows = await trx
    .updateTable('bills')
    .set({ suspension_lifted_at: at })
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'PAID')
    .where('suspended_at', 'is not', null)
    .where('suspension_lifted_at', 'is', null)
    .returning('invoice_number')
    .execute();
  return rows.map((r) => BigInt(r.invoice_number)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function markSuspended(trx: Transaction<BillingDatabase>, billId: string, at: Date): Promise<void> {
  await trx.updateTable('bills').set({ suspended_at: at }).where('id', '=', billId).execute();
}

/** Finalised bills' subtotals (VAT excluded) per organisation for a period. */
export async function revenueByOrganization(db: Kysely<BillingDatabase>, period: BillingPeriod): Promise<Map<string, bigint>> {
  const rows = await db
    .selectFrom('bills')
    .select(['organization_id', (eb) => eb.fn.sum<string>('subtotal_minor').as('revenue')])
    .where('period_start', '=', period.start)
    .groupBy('organization_id')
    .execute();
  return new Map(rows.map((r) => [r.organization_id, minorFromDb(r.revenue)]));
}
