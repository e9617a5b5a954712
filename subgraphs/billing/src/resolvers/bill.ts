import { parsePage, toConnection, toMoney, type CursorCheck } from '@platform/kernel';
import type { BillLineResolvers, BillResolvers, BillingPeriodResolvers, CurrentBillResolvers } from '../__generated__/resolvers-types.ts';
import type { BillingContext } from '../context.ts';
import { invoiceNumberText, type Bill as BillModel, type BillLine } from '../domain/bill.ts';
import { periodLabel } from '../domain/period.ts';
import { hoursOf } from '../domain/rating.ts';
import { INVOICE_PATH } from '../http/invoice-route.ts';
import { canReadMoney } from './access.ts';

const isPosition: CursorCheck<number> = (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 10_000_000;

/** The bill when the caller may read its organisation's money; null otherwise (as if it did not exist). */
export async function readableBill(ctx: BillingContext, bill: BillModel | null): Promise<BillModel | null> {
  return bill && (await canReadMoney(ctx, bill.organizationId)) ? bill : null;
}

export const Bill: BillResolvers = {
  __resolveReference: async (ref, ctx) => readableBill(ctx, await ctx.loaders.billById.load(String(ref.id).toLowerCase())),
  organization: (bill) => ({ id: bill.organizationId }),
  period: (bill) => bill.period,
  invoiceNumber: (bill) => invoiceNumberText(bill.invoiceNumber),
  async lines(bill, args, ctx) {
    const page = parsePage(args, { cursor: isPosition });
    const rows = await ctx.loaders.linesOfBill.load({ parentId: bill.id, query: { fetch: page.fetch, after: page.after, filter: null } });
    return toConnection(rows, page, (line) => line.position);
  },
  subtotal: (bill) => toMoney(bill.subtotalMinor, bill.currency),
  vat: (bill) => toMoney(bill.vatMinor, bill.currency),
  total: (bill) => toMoney(bill.totalMinor, bill.currency),
  invoiceUrl: (bill, _args, ctx) => `${ctx.services.invoiceBaseUrl()}${INVOICE_PATH}?id=${bill.id}`,
};

export const CurrentBill: CurrentBillResolvers = {
  lines(bill, args) {
    const page = parsePage(args, { cursor: isPosition });
    const after = page.after ?? 0;
    const rows: BillLine[] = bill.lines.slice(after, after + page.fetch).map((line, i) => ({ ...line, position: after + i + 1 }));
    return toConnection(rows, page, (line) => line.position);
  },
  subtotal: (bill) => toMoney(bill.subtotalMinor, bill.currency),
  vat: (bill) => toMoney(bill.vatMinor, bill.currency),
  total: (bill) => toMoney(bill.totalMinor, bill.currency),
  projectedSubtotal: (bill) => toMoney(bill.projected.subtotalMinor, bill.currency),
  projectedVat: (bill) => toMoney(bill.projected.vatMinor, bill.currency),
  projectedTotal: (bill) => toMoney(bill.projected.totalMinor, bill.currency),
};

const percent = (bp: number) => `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;

export const BillLineType: BillLineResolvers = {
  virtualMachine: (line) => (line.vmId ? { id: line.vmId } : null),
  product: (line) => (line.productId ? { id: line.productId } : null),
  hours: (line) => hoursOf(line.millis),
  // Lines are all in the bill's currency (ZAR).
  unitPrice: (line) => toMoney(line.unitPriceMinor),
  amount: (line) => toMoney(line.amountMinor),
  vatPercent: (line) => percent(line.vatBasisPoints),
};

export const BillingPeriod: BillingPeriodResolvers = {
  label: (period) => periodLabel(period),
};
