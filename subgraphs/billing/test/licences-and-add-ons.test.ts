import { newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { describe, expect } from 'vitest';
import { billingTest as test, type RunningBilling } from './support/fixtures.ts';

const CURRENT = `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  currentBill { subtotal { amount } projectedSubtotal { amount }
    lines(first: 100) { edges { node { virtualMachine { id } product { id } description quantity unit hours unitPrice { amount } amount { amount } } } } }
} } }`;
const COST = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on VirtualMachine { id costToDate { amount } } } }`;
const CLOSE = `mutation($period: String!) { closeBillingPeriod(period: $period) { issued } }`;
const BILLS = `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  bills(first: 10) { edges { node { id period { label } subtotal { amount } vat { amount } total { amount }
    lines(first: 100) { edges { node { description quantity unit hours unitPrice { amount } amount { amount } } } } } } } } } }`;

type Row = [description: string, quantity: number, unit: string, hours: string, unitPrice: string, amount: string];
const rows = (edges: { node: Record<string, unknown> }[]): Row[] =>
  edges.map(({ node }) => [
    node['description'] as string,
    node['quantity'] as number,
    node['unit'] as string,
    node['hours'] as string,
    (node['unitPrice'] as { amount: string }).amount,
    (node['amount'] as { amount: string }).amount,
  ]);

async function recorded(billing: RunningBilling, count: number): Promise<void> {
  await until(async () => ((await billing.observationCount()) === count ? true : undefined), 60_000);
}

describe('licences and add-ons', () => {
  test(
    'a Windows VM running 10 h of October (31 days) gets a licence line on its bill and invoice; a bill from events without lists has none',
    { timeout: 120_000 },
    async ({ billing, tree }) => {
      const windows = billing.addCustomer(tree.resellerA);
      const plain = billing.addCustomer(tree.resellerA);
      const [w, p] = [newId(), newId()];
      const before = await billing.observationCount();
      await billing.publish({ vmId: w, organizationId: windows, at: '2026-10-05T00:00:00Z', topic: 'vms.vm.provisioned', licences: ['LIC-WIN-SRV'] });
      await billing.publish({ vmId: w, organizationId: windows, at: '2026-10-05T10:00:00Z', status: 'STOPPED', licences: ['LIC-WIN-SRV'] });
      // Events from before VMs carried licences have no `licences` field: nothing extra is billed.
      await billing.publish({ vmId: p, organizationId: plain, at: '2026-10-05T00:00:00Z', topic: 'vms.vm.provisioned' });
      await billing.publish({ vmId: p, organizationId: plain, at: '2026-10-05T10:00:00Z', status: 'STOPPED' });
      await recorded(billing, before + 4);

      billing.setNow('2026-11-01T00:05:00Z');
      const closed = await billing.call(CLOSE, { period: '2026-10' }, await billing.user(tree.provider, 'BILLING'));
      expect(closed.errors).toBeUndefined();

      const r = await billing.call(BILLS, { id: windows }, await billing.user(windows, 'BILLING'));
      const [bill] = r.data._entities[0].bills.edges.map((e: { node: Record<string, unknown> }) => e.node);
      expect(rows(bill.lines.edges)).toEqual([
        // 2 × 155.00 × 10 / 744 = 4.166… → 4.17
        ['vCPU, 2.0 GHz', 2, 'vCPU', '10.00', '155.00', '4.17'],
        // the licence, per running hour like compute: 89.00 × 10 / 744 = 1.196… → 1.20
        ['Licence LIC-WIN-SRV', 1, 'licence', '10.00', '89.00', '1.20'],
        // 4 × 38.00 × 10 / 744 = 2.043… → 2.04
        ['RAM', 4, 'GiB', '10.00', '38.00', '2.04'],
        // allocated from the 5th to the month's end, 27 days = 648 h: 180.00 × 648 / 744 = 156.774… → 156.77
        ['Storage, standard', 1, '100 GiB block', '648.00', '180.00', '156.77'],
      ]);
      // 4.17 + 1.20 + 2.04 + 156.77 = 164.18; VAT 15 % = 24.627 → 24.63
      expect([bill.subtotal.amount, bill.vat.amount, bill.total.amount]).toEqual(['164.18', '24.63', '188.81']);

      const html = await (
        await fetch(`${billing.baseUrl}/invoice?id=${bill.id}`, { headers: { authorization: `Bearer ${await billing.user(windows, 'BILLING')}` } })
      ).text();
      expect(html).toContain('Licence LIC-WIN-SRV');
      expect(html).toContain('<span id="total">ZAR 188.81</span>');

      const other = await billing.call(BILLS, { id: plain }, await billing.user(plain, 'BILLING'));
      const [plainBill] = other.data._entities[0].bills.edges.map((e: { node: Record<string, unknown> }) => e.node);
      expect(rows(plainBill.lines.edges).map((row) => row[0])).toEqual(['vCPU, 2.0 GHz', 'RAM', 'Storage, standard']);
      expect(plainBill.subtotal.amount).toBe('162.98');
    },
  );

  test(
    'an add-on present for half of November (30 days) costs half its monthly price, running or stopped; a stopped VM accrues no licence',
    { timeout: 120_000 },
    async ({ billing, tree }) => {
      const org = billing.addCustomer(tree.resellerB);
      const idle = billing.addCustomer(tree.resellerB);
      const [a, s] = [newId(), newId()];
      const before = await billing.observationCount();
      const extras = { addOns: ['ADD-BACKUP'] };
      // Runs 10 h, then stays allocated but stopped until it is deleted 15 days after it was provisioned.
      await billing.publish({ vmId: a, organizationId: org, at: '2026-11-01T00:00:00Z', topic: 'vms.vm.provisioned', ...extras });
      await billing.publish({ vmId: a, organizationId: org, at: '2026-11-01T10:00:00Z', status: 'STOPPED', ...extras });
      await billing.publish({ vmId: a, organizationId: org, at: '2026-11-16T00:00:00Z', status: 'DELETED', topic: 'vms.vm.deleted', ...extras });
      // A Windows VM stopped all along: storage only.
      await billing.publish({ vmId: s, organizationId: idle, at: '2026-11-01T00:00:00Z', status: 'STOPPED', licences: ['LIC-WIN-SRV'] });
      await recorded(billing, before + 4);

      billing.setNow('2026-11-20T00:00:00Z');
      const r = await billing.call(CURRENT, { id: org }, await billing.user(org, 'BILLING'));
      expect(r.errors).toBeUndefined();
      const bill = r.data._entities[0].currentBill;
      expect(rows(bill.lines.edges)).toEqual([
        // 15 days = 360 h of a 720-h month: 45.00 × 360 / 720 = 22.50 exactly
        ['Add-on ADD-BACKUP', 1, 'add-on', '360.00', '45.00', '22.50'],
        ['vCPU, 2.0 GHz', 2, 'vCPU', '10.00', '155.00', '4.17'],
        ['RAM', 4, 'GiB', '10.00', '38.00', '2.04'],
        // 180.00 × 360 / 744 = 87.096… → 87.10
        ['Storage, standard', 1, '100 GiB block', '360.00', '180.00', '87.10'],
      ]);
      expect(bill.lines.edges[0].node.product).toEqual({ id: billing.prices.prices.get('ADD-BACKUP')![0]!.productId });
      // Deleted: nothing more accrues, so the projection is the bill so far. 22.50 + 4.17 + 2.04 + 87.10
      expect([bill.subtotal.amount, bill.projectedSubtotal.amount]).toEqual(['115.81', '115.81']);
      const cost = await billing.call(COST, { reps: [{ __typename: 'VirtualMachine', id: a }] }, await billing.user(org, 'BILLING'));
      expect(cost.data._entities[0].costToDate).toEqual({ amount: '115.81' });

      const stopped = await billing.call(CURRENT, { id: idle }, await billing.user(idle, 'BILLING'));
      // 19 days = 456 h of storage: 180.00 × 456 / 744 = 110.322… → 110.32; no licence line.
      expect(rows(stopped.data._entities[0].currentBill.lines.edges)).toEqual([['Storage, standard', 1, '100 GiB block', '456.00', '180.00', '110.32']]);
    },
  );

  test(
    'a licence added by a later event shows on the next read (the cached rating is invalidated); reconciliation records and repairs the lists',
    { timeout: 120_000 },
    async ({ billing, tree }) => {
      billing.setNow('2026-11-10T10:00:00Z');
      const org = billing.addCustomer(tree.resellerA);
      const vmId = newId();
      const before = await billing.observationCount();
      await billing.publish({ vmId, organizationId: org, at: '2026-11-10T00:00:00Z', topic: 'vms.vm.provisioned' });
      await recorded(billing, before + 1);
      const token = await billing.user(org, 'BILLING');
      const descriptions = async (id = org) =>
        rows((await billing.call(CURRENT, { id }, token)).data._entities[0].currentBill.lines.edges).map((row) => row[0]);
      expect(await descriptions()).toEqual(['vCPU, 2.0 GHz', 'RAM', 'Storage, standard']);
      await billing.publish({ vmId, organizationId: org, at: '2026-11-10T05:00:00Z', topic: 'vms.vm.restarted', licences: ['LIC-WIN-SRV'] });
      await recorded(billing, before + 2);
      expect(await descriptions()).toEqual(['vCPU, 2.0 GHz', 'Licence LIC-WIN-SRV', 'RAM', 'Storage, standard']);

      // A VM only the inventory knows, with a licence: observed from its creation with it.
      const seeded = billing.addCustomer(tree.resellerA);
      const inventoryVm = {
        id: newId(),
        organizationId: seeded,
        productId: null,
        status: 'RUNNING',
        powerState: 'POWERED_ON',
        vcpu: 2,
        cpuSpeed: 'STANDARD',
        memoryMib: 4096,
        diskGib: 100,
        storageTier: 'STANDARD',
        licences: ['LIC-WIN-SRV'],
        addOns: [] as string[],
        createdAt: new Date('2026-11-10T00:00:00Z'),
      };
      billing.inventory.push(inventoryVm);
      await billing.subgraph.reconcile();
      const seededToken = await billing.user(seeded, 'BILLING');
      const seededLines = async () => rows((await billing.call(CURRENT, { id: seeded }, seededToken)).data._entities[0].currentBill.lines.edges);
      // 10 h: 89.00 × 10 / 744 = 1.196… → 1.20
      expect((await seededLines()).find((row) => row[0] === 'Licence LIC-WIN-SRV')).toEqual(['Licence LIC-WIN-SRV', 1, 'licence', '10.00', '89.00', '1.20']);
      // The inventory now reports an add-on (an event was missed): the pass repairs it from now.
      billing.inventory.splice(billing.inventory.indexOf(inventoryVm), 1, { ...inventoryVm, addOns: ['ADD-MONITOR'] });
      expect(await billing.subgraph.reconcile()).toMatchObject({ repaired: 1 });
      expect(await billing.subgraph.reconcile()).toMatchObject({ repaired: 0 });
      billing.setNow('2026-11-13T10:00:00Z');
      // 3 days = 72 h of a 720-h month: 25.00 × 72 / 720 = 2.50 exactly
      expect((await seededLines()).find((row) => row[0] === 'Add-on ADD-MONITOR')).toEqual(['Add-on ADD-MONITOR', 1, 'add-on', '72.00', '25.00', '2.50']);
    },
  );
});
