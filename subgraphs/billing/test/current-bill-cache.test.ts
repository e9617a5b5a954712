import { newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { observationsInWindow } from '../src/db/usage-repository.ts';
import { periodContaining } from '../src/domain/period.ts';
import { rate } from '../src/domain/rating.ts';
import { spansOf } from '../src/domain/usage.ts';
import { billingTest as test, type RunningBilling } from './support/fixtures.ts';

const CURRENT = `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  currentBill { subtotal { amount } vat { amount } total { amount } projectedSubtotal { amount } } } } }`;
const NOW = '2026-11-15T12:00:00Z';

const rands = (minor: bigint) => `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;

/** The organisation's current bill over HTTP: subtotal, VAT, total and projected subtotal. */
async function currentBill(billing: RunningBilling, org: string): Promise<string[]> {
  const r = await billing.call(CURRENT, { id: org }, await billing.user(org, 'BILLING'));
  expect(r.errors).toBeUndefined();
  const bill = r.data._entities[0].currentBill;
  return [bill.subtotal.amount, bill.vat.amount, bill.total.amount, bill.projectedSubtotal.amount];
}

/** The same figures rated from scratch: every observation read again, no cache involved. */
async function fromScratch(billing: RunningBilling, org: string): Promise<string[]> {
  const asOf = new Date(NOW);
  const period = periodContaining(asOf);
  const schedule = await billing.prices.port.scheduleFor(period.start, period.end);
  const observations = await observationsInWindow(billing.subgraph.db, { organizationIds: [org] }, period.start, period.end);
  const accrued = rate(spansOf(observations, period.start, asOf), schedule);
  const projected = rate(spansOf(observations, period.start, period.end), schedule);
  return [rands(accrued.subtotalMinor), rands(accrued.vatMinor), rands(accrued.totalMinor), rands(projected.subtotalMinor)];
}

async function settled(billing: RunningBilling, count: number): Promise<void> {
  await until(async () => ((await billing.observationCount()) === count ? true : undefined), 60_000);
}

test(
  'a repeated read reuses the rating; a late event, another replica’s write and a price change each show at once',
  { timeout: 120_000 },
  async ({ billing, tree }) => {
    billing.setNow(NOW);
    const org = billing.addCustomer(tree.resellerA);
    const vm = newId();
    let count = await billing.observationCount();
    await billing.publish({ vmId: vm, organizationId: org, at: '2026-11-10T00:00:00Z', topic: 'vms.vm.provisioned' });
    await settled(billing, ++count);

    // 132 h running: CPU 2 × 155.00 × 132 / 744 = 55.00; RAM 4 × 38.00 × 132 / 744 = 26.967… → 26.97;
    // storage 180.00 × 132 / 744 = 31.935… → 31.94. Projected to 1 Dec (504 h): 210.00 + 102.967… → 102.97 + 121.935… → 121.94.
    expect(await currentBill(billing, org)).toEqual(['113.91', '17.09', '131.00', '434.91']);
    billing.statements.reset();
    expect(await currentBill(billing, org)).toEqual(['113.91', '17.09', '131.00', '434.91']);
    // Nothing changed: one look at the usage version, no observation read, nothing rated again.
    expect(billing.statements.statements.filter((s) => s.includes('vm_observations'))).toEqual([]);
    expect(billing.statements.statements.filter((s) => s.includes('usage_versions'))).toHaveLength(1);

    // A late power-off at 00:00 on the 12th: compute only 48 h (20.00 + 9.806… → 9.81), storage unchanged.
    await billing.publish({ vmId: vm, organizationId: org, at: '2026-11-12T00:00:00Z', status: 'STOPPED' });
    await settled(billing, ++count);
    expect(await currentBill(billing, org)).toEqual(['61.75', '9.26', '71.01', '151.75']);
    expect(await currentBill(billing, org)).toEqual(await fromScratch(billing, org));

    // A new VM recorded by another replica (a plain insert, nothing in this process hears of it): 12 h at
    // 5.00 + 2.451… → 2.45 + 2.903… → 2.90 = 10.35; VAT 15 % of 72.10 = 10.815 → 10.82 (half-even).
    await sql`insert into vm_observations (id, source_id, vm_id, organization_id, observed_at, running, allocated, vcpu, cpu_speed, memory_gib, disk_gib, storage_tier, source)
    values (${newId()}, ${`other-replica:${newId()}`}, ${newId()}, ${org}, ${'2026-11-15T00:00:00Z'}, true, true, 2, 'STANDARD', 4, 100, 'STANDARD', 'event')`.execute(
      billing.subgraph.db,
    );
    // Projected: the new VM to 1 Dec (384 h): 160.00 + 78.451… → 78.45 + 92.903… → 92.90 = 331.35.
    expect(await currentBill(billing, org)).toEqual(['72.10', '10.82', '82.92', '483.10']);
    expect(await currentBill(billing, org)).toEqual(await fromScratch(billing, org));

    // The vCPU price rises to R162 from the 14th: the new VM's 12 h of CPU become 2 × 162 × 12 / 744 = 5.225… → 5.23.
    billing.prices.prices.get('CPU-STD-VCPU')!.push({ productId: newId(), monthlyMinor: 16200n, effectiveFrom: new Date('2026-11-14T00:00:00Z') });
    try {
      // Projected CPU of the new VM: 2 × 162 × 384 / 744 = 167.225… → 167.23 (was 160.00).
      expect(await currentBill(billing, org)).toEqual(['72.33', '10.85', '83.18', '490.33']);
      expect(await currentBill(billing, org)).toEqual(await fromScratch(billing, org));
    } finally {
      billing.prices.prices.get('CPU-STD-VCPU')!.pop();
    }
  },
);

test('reads racing usage writes never keep a stale total', { timeout: 120_000 }, async ({ billing, tree }) => {
  billing.setNow(NOW);
  const org = billing.addCustomer(tree.resellerB);
  const before = await billing.observationCount();
  const reads: Promise<string[]>[] = [];
  // 20 VMs provisioned while 20 current bills are being read (and cached) in between.
  for (let i = 0; i < 20; i++) {
    await billing.publish({ vmId: newId(), organizationId: org, at: '2026-11-15T00:00:00Z', topic: 'vms.vm.provisioned' });
    reads.push(currentBill(billing, org));
  }
  await Promise.all(reads);
  await settled(billing, before + 20);
  // 20 × 10.35 = 207.00; VAT 31.05. Projected 20 × 331.35 = 6,627.00.
  expect(await currentBill(billing, org)).toEqual(['207.00', '31.05', '238.05', '6627.00']);
  expect(await currentBill(billing, org)).toEqual(await fromScratch(billing, org));
});
