import { until } from '@platform/testkit';
import { scriptedCompute } from '@platform/vms/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { createOrg, ok } from '../tenancy/support/fixtures.ts';
import { cents, PROVISION, VM_STATUS, walletOf } from '../support/provisioning.ts';

// Billing's clock runs `offsetMs` ahead of the wall clock: the test moves to the ends of months instead of waiting.
let offsetMs = 0;
const compute = scriptedCompute(30);
let p: TestPlatform;
let provider: string;

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: compute.provider } }, billing: { options: { clock: () => new Date(Date.now() + offsetMs) } } });
  provider = await p.login('ops@highveld.example');
}, 180_000);
afterAll(() => p?.close());

const TOP_UP = 'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { balanceAfter { amount } } }';
const CLOSE = 'mutation($p: String!) { closeBillingPeriod(period: $p) { issued } }';
const BILLS = `query($id: ID!) { organization(id: $id) { bills(first: 5) { edges { node { id status period { label } subtotal { amount } vat { amount } total { amount }
  lines(first: 100) { edges { node { virtualMachine { id } product { sku } amount { amount } } } } } } } } }`;

interface BillNode {
  id: string;
  status: string;
  period: { label: string };
  subtotal: { amount: string };
  vat: { amount: string };
  total: { amount: string };
  lines: { edges: { node: { virtualMachine: { id: string }; product: { sku: string }; amount: { amount: string } } }[] };
}

/** VM-GP-2C8G (2 vCPU R155, 8 GiB R38, one 100 GB block R180: R794.00 a month) running a whole month, VAT 15 %, by the month's days. */
const WHOLE_MONTH_TOTAL: Record<number, bigint> = { 28: 82_473n, 29: 85_420n, 30: 88_364n, 31: 91_310n }; // e.g. 31 days: 794.00 + 119.10 = 913.10

const label = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
const monthStart = (d: Date, plus: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));

async function untilStatus(id: string, status: string) {
  await until(async () => ((await p.gateway(VM_STATUS, { id }, provider)).data.virtualMachine.status === status ? true : undefined), 60_000);
}

async function billsOf(organizationId: string): Promise<BillNode[]> {
  return ok(
    await p.gateway<{ organization: { bills: { edges: { node: BillNode }[] } } }>(BILLS, { id: organizationId }, provider),
  ).organization.bills.edges.map((e) => e.node);
}

test(
  'provision → close → close: the wallet gives exactly the rated usage (nothing upfront), with a VM deleted mid-month and a period boundary',
  { timeout: 180_000 },
  async () => {
    const org = (await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider)).id as string;
    ok(await p.gateway(TOP_UP, { i: { organizationId: org, amount: '5000.00', paymentReference: 'EFT-NDC', idempotencyKey: 'ndc-1' } }, provider));
    const funded = await walletOf(p, provider, org);
    expect(funded.available).toBe(500_000n);

    // Two VM-GP-2C8G: a month of each (R794.00) must be available, and is held while they are built.
    const product = ok(await p.gateway<{ productBySku: { id: string } }>('{ productBySku(sku: "VM-GP-2C8G") { id } }', {}, provider)).productBySku;
    const provision = async (name: string) =>
      ok(
        await p.gateway<{ provisionVirtualMachine: { id: string } }>(
          PROVISION,
          { input: { organizationId: org, name, productId: product.id, guestOs: 'UBUNTU_64', idempotencyKey: name } },
          provider,
        ),
      ).provisionVirtualMachine.id;
    const kept = await provision('ndc-kept');
    const deleted = await provision('ndc-deleted');
    await untilStatus(kept, 'RUNNING');
    await untilStatus(deleted, 'RUNNING');
    ok(await p.gateway('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: deleted }, provider));
    ok(await p.gateway('mutation($id: ID!) { deleteVirtualMachine(id: $id) { status } }', { id: deleted }, provider));

    // Nothing was taken upfront: both holds went back once the VMs ran.
    const provisioned = await walletOf(p, provider, org);
    expect(provisioned.available).toBe(500_000n);
    expect(provisioned.holds.map((h) => [h.reference, h.status, h.amount.amount]).sort()).toEqual(
      [
        [`vm:${kept}`, 'RELEASED', '794.00'],
        [`vm:${deleted}`, 'RELEASED', '794.00'],
      ].sort(),
    );

    // Billing has seen the deletion (the kept VM's RUNNING, the deleted one no longer allocated).
    await until(async () => {
      const { rows } = await sql<{ vm_id: string; running: boolean; allocated: boolean }>`
        select distinct on (vm_id) vm_id, running, allocated from vm_observations where organization_id = ${org} order by vm_id, observed_at desc, recorded_at desc`.execute(
        p.billing.db,
      );
      // Events of the two VMs arrive independently: wait for both, or the close would bill the kept VM before its RUNNING.
      const latest = new Map(rows.map((r) => [r.vm_id, r]));
      return latest.get(kept)?.running === true && latest.get(deleted)?.allocated === false ? true : undefined;
    }, 60_000);

    // This month closes: the bill is the usage so far, and exactly that is debited.
    const now = new Date();
    offsetMs = monthStart(now, 1).getTime() + 5 * 60_000 - Date.now();
    expect(
      ok(await p.gateway<{ closeBillingPeriod: { issued: number } }>(CLOSE, { p: label(now) }, provider)).closeBillingPeriod.issued,
    ).toBeGreaterThanOrEqual(1);
    const [first] = await billsOf(org);
    expect(first).toMatchObject({ status: 'PAID', period: { label: label(now) } });
    const firstLines = first!.lines.edges.map((e) => e.node);
    // The kept VM is billed; the deleted one only if billing saw it allocated for a measurable span (it may have none).
    expect(firstLines.some((l) => l.virtualMachine.id === kept)).toBe(true);
    expect(firstLines.filter((l) => l.virtualMachine.id !== kept && l.virtualMachine.id !== deleted)).toEqual([]);
    expect(cents(first!.total.amount)).toBe(cents(first!.subtotal.amount) + cents(first!.vat.amount));
    // The deleted VM ran a few seconds: a few cents at most, nothing for the rest of the month.
    const deletedCost = firstLines.filter((l) => l.virtualMachine.id === deleted).reduce((sum, l) => sum + cents(l.amount.amount), 0n);
    expect(deletedCost).toBeLessThanOrEqual(5n);
    const afterFirst = await walletOf(p, provider, org);
    expect(500_000n - afterFirst.available).toBe(cents(first!.total.amount));

    // Across the boundary: the next month is billed whole for the kept VM only, and debited once.
    const next = monthStart(now, 1);
    const days = (monthStart(now, 2).getTime() - next.getTime()) / 86_400_000;
    offsetMs = monthStart(now, 2).getTime() + 5 * 60_000 - Date.now();
    ok(await p.gateway(CLOSE, { p: label(next) }, provider));
    const bills = await billsOf(org);
    expect(bills.map((b) => b.period.label)).toEqual([label(next), label(now)]);
    const second = bills[0]!;
    expect(second.status).toBe('PAID');
    expect(second.lines.edges.map((e) => [e.node.virtualMachine.id, e.node.product.sku]).sort()).toEqual(
      [
        [kept, 'CPU-STD-VCPU'],
        [kept, 'RAM-GIB'],
        [kept, 'STO-STD-100G'],
      ].sort(),
    );
    expect(cents(second.total.amount)).toBe(WHOLE_MONTH_TOTAL[days]);

    // In all, the wallet gave exactly the two bills: the rated usage, once.
    const end = await walletOf(p, provider, org);
    expect(500_000n - end.available).toBe(cents(first!.total.amount) + WHOLE_MONTH_TOTAL[days]!);
    expect(end.holds.filter((h) => h.status !== 'RELEASED')).toEqual([]);
  },
);
