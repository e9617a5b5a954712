import { newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { codesOf } from '@platform/testkit';
import { describe, expect } from 'vitest';
import { billingTest as test } from './support/fixtures.ts';

const CURRENT = `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  currentBill { period { label start end } asOf subtotal { amount currency } vat { amount } total { amount }
    projectedSubtotal { amount } projectedVat { amount } projectedTotal { amount }
    lines(first: 100) { edges { node { virtualMachine { id } product { id } description quantity unit hours unitPrice { amount } amount { amount } vatPercent from to } } pageInfo { hasNextPage } } }
} } }`;
const COST = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on VirtualMachine { id costToDate { amount currency } } } }`;
const USAGE = `query($id: ID!, $period: String!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  usage(period: $period) { period { label } virtualMachines runningHours vcpuHours memoryGibHours storageGibHours } } } }`;

describe('usage from VM events', () => {
  test('a late event takes its place by event time and a duplicate is recorded once', { timeout: 120_000 }, async ({ billing, tree }) => {
    billing.setNow('2026-11-15T12:00:00Z');
    const org = billing.addCustomer(tree.resellerA);
    const vmId = newId();
    const before = await billing.observationCount();
    // The power-off (10:00) arrives before the power-on (00:00) it follows; the power-on is delivered twice.
    await billing.publish({ vmId, organizationId: org, at: '2026-11-10T10:00:00Z', status: 'STOPPED' });
    const onId = await billing.publish({ vmId, organizationId: org, at: '2026-11-10T00:00:00Z' });
    await billing.publish({ id: onId, vmId, organizationId: org, at: '2026-11-10T00:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + 2 ? true : undefined));

    const r = await billing.call(CURRENT, { id: org }, await billing.user(org, 'BILLING'));
    expect(r.errors).toBeUndefined();
    const bill = r.data._entities[0].currentBill;
    expect(bill.period).toEqual({ label: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' });
    expect(bill.asOf).toBe('2026-11-15T12:00:00.000Z');
    expect(
      bill.lines.edges.map((e: { node: Record<string, unknown> }) => [
        e.node['description'],
        e.node['quantity'],
        e.node['hours'],
        (e.node['amount'] as { amount: string }).amount,
      ]),
    ).toEqual([
      // 10 h running: 2 × 155.00 × 10 / 744 = 4.166… → 4.17; 4 GiB × 38.00 × 10 / 744 = 2.043… → 2.04
      ['vCPU, 2.0 GHz', 2, '10.00', '4.17'],
      ['RAM', 4, '10.00', '2.04'],
      // allocated from 00:00 on the 10th to now (12:00 on the 15th): 132 h; 1 block × 180.00 × 132 / 744 = 31.935… → 31.94
      ['Storage, standard', 1, '132.00', '31.94'],
    ]);
    expect(bill.lines.edges[0].node.virtualMachine).toEqual({ id: vmId });
    expect([bill.subtotal.amount, bill.vat.amount, bill.total.amount]).toEqual(['38.15', '5.72', '43.87']);
    // Projected: storage to the period's end (from the 10th 00:00: 504 h): 180 × 504 / 744 = 121.935… → 121.94; + 4.17 + 2.04
    expect([bill.projectedSubtotal.amount, bill.projectedVat.amount, bill.projectedTotal.amount]).toEqual(['128.15', '19.22', '147.37']);
  });

  test('currentBill and costToDate grow as time passes', { timeout: 120_000 }, async ({ billing, tree }) => {
    billing.setNow('2026-11-15T12:00:00Z');
    const org = billing.addCustomer(tree.resellerB);
    const vmId = newId();
    const before = await billing.observationCount();
    await billing.publish({ vmId, organizationId: org, at: '2026-11-15T00:00:00Z', topic: 'vms.vm.provisioned' });
    await until(async () => ((await billing.observationCount()) === before + 1 ? true : undefined));
    const token = await billing.user(org, 'OWNER');
    const cost = async () => (await billing.call(COST, { reps: [{ __typename: 'VirtualMachine', id: vmId }] }, token)).data._entities[0].costToDate;
    // 12 h: CPU 2 × 155 × 12 / 744 = 5.00; RAM 4 × 38 × 12 / 744 = 2.451… → 2.45; storage 180 × 12 / 744 = 2.903… → 2.90
    expect(await cost()).toEqual({ amount: '10.35', currency: 'ZAR' });
    billing.setNow('2026-11-16T00:00:00Z');
    // 24 h: 10.00 + 4.903… → 4.90 + 5.806… → 5.81
    expect(await cost()).toEqual({ amount: '20.71', currency: 'ZAR' });
    const total = (await billing.call(CURRENT, { id: org }, token)).data._entities[0].currentBill.subtotal.amount;
    expect(total).toBe('20.71');
    // AccruedSpendSource (budgets): VAT inclusive, to now; an organisation without usage is 0.
    const november = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };
    const other = billing.addCustomer(tree.resellerB);
    const accrued = await billing.subgraph.accruedSpend.accruedFor([org, other], november);
    expect([accrued.get(org), accrued.get(other)]).toEqual([2382n, 0n]);
  });

  test('usage(period) sums hours for any member; a malformed period names the field', { timeout: 120_000 }, async ({ billing, tree }) => {
    billing.setNow('2026-11-15T12:00:00Z');
    const org = billing.addCustomer(tree.resellerA);
    const vmId = newId();
    const before = await billing.observationCount();
    await billing.publish({ vmId, organizationId: org, at: '2026-11-15T00:00:00Z', vcpu: 4, memoryMib: 8192, diskGib: 250 });
    await billing.publish({ vmId, organizationId: org, at: '2026-11-15T06:00:00Z', status: 'STOPPED', vcpu: 4, memoryMib: 8192, diskGib: 250 });
    await until(async () => ((await billing.observationCount()) === before + 2 ? true : undefined));
    const viewer = await billing.user(org, 'VIEWER');
    const r = await billing.call(USAGE, { id: org, period: '2026-11' }, viewer);
    expect(r.data._entities[0].usage).toEqual({
      period: { label: '2026-11' },
      virtualMachines: 1,
      runningHours: '6.00',
      vcpuHours: '24.00',
      memoryGibHours: '48.00',
      storageGibHours: '3000.00',
    });
    const bad = await billing.call(USAGE, { id: org, period: 'November' }, viewer);
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.message).toBe('period: must be a month like "2026-11".');
  });

  test('100 VMs with costToDate cost the same SQL statements as 10', { timeout: 120_000 }, async ({ billing, tree }) => {
    billing.setNow('2026-11-15T12:00:00Z');
    const org = billing.addCustomer(tree.resellerA);
    const vmIds = Array.from({ length: 100 }, () => newId());
    const before = await billing.observationCount();
    for (const vmId of vmIds) await billing.publish({ vmId, organizationId: org, at: '2026-11-14T00:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + 100 ? true : undefined), 60_000);
    const token = await billing.user(org, 'BILLING');
    const countFor = async (ids: string[]) => {
      billing.statements.reset();
      const r = await billing.call(COST, { reps: ids.map((id) => ({ __typename: 'VirtualMachine', id })) }, token);
      expect(r.data._entities.filter((e: { costToDate: unknown }) => e.costToDate !== null)).toHaveLength(ids.length);
      return billing.statements.count;
    };
    const ten = await countFor(vmIds.slice(0, 10));
    const hundred = await countFor(vmIds);
    expect(ten).toBe(1);
    expect(hundred).toBe(ten);
  });
});
