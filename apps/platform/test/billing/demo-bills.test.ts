import { periodBefore, periodLabel } from '@platform/billing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { seedDemoBills } from '../../src/seed-demo-bills.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
}, 180_000);
afterAll(() => p?.close());

const BILLS = `query($id: ID!) { organization(id: $id) { bills(first: 5) { edges { node { status period { label } invoiceNumber total { amount } invoiceUrl
  lines(first: 1) { edges { node { virtualMachine { id } } } } } } } } }`;

test(
  "npm start's demo seed closes last month: each fleet customer has one bill with an invoice; a second run issues nothing",
  { timeout: 180_000 },
  async () => {
    const started = performance.now();
    const issued = await seedDemoBills(p);
    const firstMs = performance.now() - started;
    // The seeded fleet belongs to 7 customers, every one with VMs created before last month.
    expect(issued).toBe(7);

    const admin = await p.login('admin@protea.example');
    const r = await p.gateway(BILLS, { id: DEMO_ORGS.protea }, admin);
    expect(r.errors).toBeUndefined();
    const bills = r.data.organization.bills.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(bills).toHaveLength(1);
    const [bill] = bills;
    expect(bill.period.label).toBe(periodLabel(periodBefore(new Date())));
    expect(bill.invoiceNumber).toMatch(/^INV-\d{6}$/);
    expect(['PAID', 'UNPAID']).toContain(bill.status);
    expect(bill.lines.edges).toHaveLength(1);
    const invoice = await fetch(bill.invoiceUrl, { headers: { authorization: `Bearer ${admin}` } });
    expect(invoice.status).toBe(200);
    const html = await invoice.text();
    expect(html).toContain(`<span id="total">ZAR ${bill.total.amount}</span>`);
    // The fleet's Windows Server VMs carry their licence and some VMs an add-on: the bill shows them.
    for (const line of ['Licence LIC-WIN-SRV', 'Add-on ADD-BACKUP', 'Add-on ADD-MONITOR']) expect(html).toContain(line);

    const again = performance.now();
    expect(await seedDemoBills(p)).toBe(0);
    const secondMs = performance.now() - again;
    console.log(`demo bills: first run ${firstMs.toFixed(0)} ms, second ${secondMs.toFixed(0)} ms`);
    expect((await p.gateway(BILLS, { id: DEMO_ORGS.protea }, admin)).data.organization.bills.edges).toHaveLength(1);
  },
);
