import { until } from '@platform/testkit';
import { scriptedCompute } from '@platform/vms/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { cents, PROVISION, VM_STATUS, walletOf } from '../support/provisioning.ts';

// Billing's clock runs `offsetMs` ahead of the wall clock: the test moves time instead of sleeping.
let offsetMs = 0;
const compute = scriptedCompute(30);
let p: TestPlatform;
let provider: string;
let protea: string;

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: compute.provider } }, billing: { options: { clock: () => new Date(Date.now() + offsetMs) } } });
  [provider, protea] = await Promise.all([p.login('ops@highveld.example'), p.login('admin@protea.example')]);
}, 180_000);
afterAll(() => p?.close());

const COST = `query($id: ID!) { virtualMachine(id: $id) { id costToDate { amount currency } } }`;
const CURRENT = `query($id: ID!) { organization(id: $id) { currentBill { period { label } subtotal { amount } total { amount } projectedTotal { amount }
  lines(first: 100) { edges { node { virtualMachine { id name } product { sku } description hours amount { amount } } } } } } }`;
const BILLS = `query($id: ID!) { organization(id: $id) { bills(first: 5) { edges { node { id status invoiceNumber total { amount } invoiceUrl paidAt } } } } }`;

test('provision a VM; currentBill and costToDate grow; close the period; the invoice downloads and the wallet is debited', { timeout: 180_000 }, async () => {
  const product = (await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { id } }', {}, protea)).data.productBySku;
  const input = { organizationId: DEMO_ORGS.protea, name: 'billing-e2e-01', productId: product.id, guestOs: 'UBUNTU_64', idempotencyKey: 'billing-e2e-1' };
  const provisioned = await p.gateway(PROVISION, { input }, protea);
  expect(provisioned.errors).toBeUndefined();
  const vmId: string = provisioned.data.provisionVirtualMachine.id;
  await until(async () => ((await p.gateway(VM_STATUS, { id: vmId }, protea)).data.virtualMachine.status === 'RUNNING' ? true : undefined), 60_000);

  // Billing learns of the VM from the vms.vm.* events; its cost grows with billing's clock.
  offsetMs = 3_600_000;
  const first = await until(async () => {
    const r = await p.gateway(COST, { id: vmId }, protea);
    // Billing may first know only the PROVISIONING event (nothing billed yet): wait for RUNNING usage.
    const cost = r.data?.virtualMachine?.costToDate;
    return cost && cents(cost.amount) > 0n ? cost : undefined;
  }, 60_000);
  expect(first.currency).toBe('ZAR');
  offsetMs = 10 * 3_600_000;
  const later = (await p.gateway(COST, { id: vmId }, protea)).data.virtualMachine.costToDate;
  expect(cents(later.amount)).toBeGreaterThan(cents(first.amount));
  // 2 vCPU × 155.00, 8 GiB × 38.00, 1 block × 180.00 a month = 794.00 a month: about 1.07 an hour
  // (three lines each rounded, and the wall clock moving between the reads: a few cents either way).
  const nineHours = (79_400n * 9n) / 744n; // 960
  expect(cents(later.amount) - cents(first.amount)).toBeGreaterThanOrEqual(nineHours - 5n);
  expect(cents(later.amount) - cents(first.amount)).toBeLessThanOrEqual(nineHours + 5n);

  const current = (await p.gateway(CURRENT, { id: DEMO_ORGS.protea }, protea)).data.organization.currentBill;
  const ownLines = current.lines.edges
    .map((e: { node: { virtualMachine: { id: string; name: string } } }) => e.node)
    .filter((l: { virtualMachine: { id: string } }) => l.virtualMachine.id === vmId);
  expect(ownLines.map((l: { product: { sku: string } }) => l.product.sku).sort()).toEqual(['CPU-STD-VCPU', 'RAM-GIB', 'STO-STD-100G']);
  expect(ownLines[0].virtualMachine.name).toBe('billing-e2e-01');
  expect(cents(current.projectedTotal.amount)).toBeGreaterThan(cents(current.total.amount));

  // Past the end of the month: provider staff close it, the bill is numbered, paid from the wallet, downloadable.
  const now = new Date(Date.now());
  const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 5);
  offsetMs = nextMonth - Date.now();
  const label = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const before = await walletOf(p, provider, DEMO_ORGS.protea);
  const closed = await p.gateway(`mutation($p: String!) { closeBillingPeriod(period: $p) { issued alreadyIssued paid unpaid } }`, { p: label }, provider);
  expect(closed.errors).toBeUndefined();
  expect(closed.data.closeBillingPeriod.issued).toBeGreaterThanOrEqual(1);
  const bills = (await p.gateway(BILLS, { id: DEMO_ORGS.protea }, protea)).data.organization.bills.edges.map((e: { node: Record<string, string> }) => e.node);
  expect(bills).toHaveLength(1);
  const bill = bills[0];
  expect(bill.status).toBe('PAID');
  expect(bill.invoiceNumber).toMatch(/^INV-\d{6}$/);
  const after = await walletOf(p, provider, DEMO_ORGS.protea);
  expect(before.available - after.available).toBe(cents(bill.total.amount));

  // Downloaded through the gateway's origin (its /invoice passes the token to billing, which checks it).
  expect(bill.invoiceUrl).toBe(`${new URL(p.gatewayUrl).origin}/invoice?id=${bill.id}`);
  const invoice = await fetch(bill.invoiceUrl, { headers: { authorization: `Bearer ${protea}` } });
  expect(invoice.status).toBe(200);
  expect(invoice.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await invoice.text()).toContain(`<span id="total">ZAR ${bill.total.amount}</span>`);
  const otherCustomer = await p.login('admin@fynbos.example');
  expect((await fetch(bill.invoiceUrl, { headers: { authorization: `Bearer ${otherCustomer}` } })).status).toBe(404);
  expect((await fetch(bill.invoiceUrl)).status).toBe(401);

  const again = await p.gateway(`mutation($p: String!) { closeBillingPeriod(period: $p) { issued paid } }`, { p: label }, provider);
  expect(again.data.closeBillingPeriod).toEqual({ issued: 0, paid: 0 });
  expect((await walletOf(p, provider, DEMO_ORGS.protea)).available).toBe(after.available);
});
