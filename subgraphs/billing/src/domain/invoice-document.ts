import { toMoney } from '@platform/kernel';
import { invoiceNumberText, type Bill, type BillLine } from './bill.ts';
import { periodLabel } from './period.ts';
import { hoursOf } from './rating.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value put into the document goes through this. */
const esc = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
const money = (minor: bigint, currency: string) => `${currency} ${toMoney(minor, currency).amount}`;
const percent = (bp: number) => `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')} %`;

/** The invoice as a self-contained HTML document (no scripts, no external resources). */
export function renderInvoice(bill: Bill, lines: readonly BillLine[], organizationKind: string): string {
  const number = invoiceNumberText(bill.invoiceNumber);
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${esc(l.vmId)}</td><td>${esc(l.sku)}</td><td>${esc(l.description)}</td><td class="n">${l.quantity} ${esc(l.unit)}</td>` +
        `<td class="n">${hoursOf(l.millis)}</td><td class="n">${esc(money(l.unitPriceMinor, bill.currency))}</td>` +
        `<td class="n">${esc(money(l.amountMinor, bill.currency))}</td><td class="n">${percent(l.vatBasisPoints)}</td>` +
        `<td>${esc(l.from.toISOString())} – ${esc(l.to.toISOString())}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(number)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px;text-align:left;font-size:12px}.n{text-align:right}</style>
</head><body>
<h1>Tax invoice ${esc(number)}</h1>
<p>Organisation: ${esc(bill.organizationId)} (${esc(organizationKind.toLowerCase())})<br>
Period: ${esc(periodLabel(bill.period))} (${esc(bill.period.start.toISOString())} – ${esc(bill.period.end.toISOString())})<br>
Issued: ${esc(bill.issuedAt.toISOString())}<br>
Status: ${esc(bill.status)}${bill.paidAt ? ` (paid ${esc(bill.paidAt.toISOString())})` : ''}</p>
<table><thead><tr><th>VM</th><th>SKU</th><th>Description</th><th class="n">Quantity</th><th class="n">Hours</th><th class="n">Unit price / month</th><th class="n">Amount</th><th class="n">VAT rate</th><th>From – to</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p class="n">Subtotal: <span id="subtotal">${esc(money(bill.subtotalMinor, bill.currency))}</span><br>
VAT: <span id="vat">${esc(money(bill.vatMinor, bill.currency))}</span><br>
<strong>Total: <span id="total">${esc(money(bill.totalMinor, bill.currency))}</span></strong></p>
</body></html>
`;
}
