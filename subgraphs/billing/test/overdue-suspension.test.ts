import { createLogger, newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { OverdueSuspension } from '../src/domain/overdue-suspension.ts';
import { billingTest as test, type RunningBilling as Billing } from './support/fixtures.ts';

/** A fresh customer with 10 h of usage in `day`'s month, its period closed with R 1.00 in the wallet: one UNPAID bill of R 9.92. */
async function unpaidBill(billing: Billing, parent: string, day: string, closeAt: string) {
  const org = billing.addCustomer(parent);
  const vmId = newId();
  const before = await billing.observationCount();
  await billing.publish({ vmId, organizationId: org, at: `${day}T00:00:00Z` });
  await billing.publish({ vmId, organizationId: org, at: `${day}T10:00:00Z`, status: 'DELETED', topic: 'vms.vm.deleted' });
  await until(async () => ((await billing.observationCount()) === before + 2 ? true : undefined));
  billing.wallet.funds.set(org, 100n);
  billing.setNow(closeAt);
  const start = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const closed = await billing.subgraph.closePeriod({ start, end });
  expect(closed).toMatchObject({ issued: 1, paid: 0, unpaid: 1 });
  const { rows } = await sql<{
    id: string;
    status: string;
    invoice_number: string;
    suspended_at: Date | null;
  }>`select id, status, invoice_number, suspended_at from bills where organization_id = ${org}`.execute(billing.subgraph.db);
  expect(rows).toHaveLength(1);
  return { org, billId: rows[0]!.id, invoice: `INV-${rows[0]!.invoice_number.padStart(6, '0')}` };
}

const billRow = async (billing: Billing, billId: string) =>
  (await sql<{ status: string; suspended_at: Date | null }>`select status, suspended_at from bills where id = ${billId}`.execute(billing.subgraph.db)).rows[0]!;
const suspensionsOf = (billing: Billing, org: string) => billing.tenancy.suspensions.filter((s) => s.organizationId === org);
const eventsOf = async (billing: Billing, org: string) =>
  (await billing.outbox('billing.bill.organization_suspended')).filter((e) => e['organizationId'] === org);

describe('overdue policy (BILLING_SUSPEND_AFTER_DAYS = 14)', () => {
  test(
    'unpaid under 14 days suspends nothing; at 14 days the organisation is suspended once, with one event',
    { timeout: 120_000 },
    async ({ billing, tree }) => {
      const { org, billId, invoice } = await unpaidBill(billing, tree.resellerA, '2026-05-10', '2026-06-01T01:00:00Z');

      billing.setNow('2026-06-15T00:59:59Z'); // 13 days, 23 h 59 min 59 s
      await billing.subgraph.suspendOverdue();
      expect(suspensionsOf(billing, org)).toEqual([]);
      expect(await billRow(billing, billId)).toEqual({ status: 'UNPAID', suspended_at: null });
      expect(await eventsOf(billing, org)).toEqual([]);

      billing.setNow('2026-06-15T01:00:00Z'); // exactly 14 days
      await billing.subgraph.suspendOverdue();
      expect(suspensionsOf(billing, org)).toEqual([{ organizationId: org, reason: `Invoice ${invoice} unpaid for 14 days or more` }]);
      expect(await billRow(billing, billId)).toEqual({ status: 'UNPAID', suspended_at: new Date('2026-06-15T01:00:00Z') });
      expect(await eventsOf(billing, org)).toEqual([
        {
          billId,
          organizationId: org,
          invoiceNumber: invoice,
          total: { amountMinor: '992', currency: 'ZAR' },
          unpaidSince: '2026-06-01T01:00:00.000Z',
          suspendedAt: '2026-06-15T01:00:00.000Z',
          afterDays: 14,
        },
      ]);

      // Later passes, and two at once, ask tenancy nothing more.
      billing.setNow('2026-06-20T00:00:00Z');
      await Promise.all([billing.subgraph.suspendOverdue(), billing.subgraph.suspendOverdue()]);
      expect(suspensionsOf(billing, org)).toHaveLength(1);
      expect(await eventsOf(billing, org)).toHaveLength(1);
    },
  );

  test('a bill paid before the 14 days are up never suspends the organisation', { timeout: 120_000 }, async ({ billing, tree }) => {
    const { org, billId } = await unpaidBill(billing, tree.resellerB, '2026-04-10', '2026-05-01T01:00:00Z');
    billing.wallet.funds.set(org, 5_000n);
    billing.setNow('2026-05-10T00:00:00Z');
    await billing.subgraph.services.bills.settleUnpaid();
    expect(await billRow(billing, billId)).toEqual({ status: 'PAID', suspended_at: null });

    billing.setNow('2026-06-30T00:00:00Z');
    await billing.subgraph.suspendOverdue();
    expect(suspensionsOf(billing, org)).toEqual([]);
    expect(await billRow(billing, billId)).toEqual({ status: 'PAID', suspended_at: null });
    expect(await eventsOf(billing, org)).toEqual([]);
  });

  test('tenancy unreachable: nothing is recorded, and the next pass suspends once', { timeout: 120_000 }, async ({ billing, tree }) => {
    const { org, billId } = await unpaidBill(billing, tree.resellerA, '2026-03-10', '2026-04-01T01:00:00Z');
    billing.setNow('2026-04-20T00:00:00Z');
    billing.tenancy.setDown(true);
    try {
      await billing.subgraph.suspendOverdue();
    } finally {
      billing.tenancy.setDown(false);
    }
    expect(suspensionsOf(billing, org)).toEqual([]);
    expect(await billRow(billing, billId)).toEqual({ status: 'UNPAID', suspended_at: null });
    expect(await eventsOf(billing, org)).toEqual([]);

    billing.setNow('2026-04-21T00:00:00Z');
    await billing.subgraph.suspendOverdue();
    expect(suspensionsOf(billing, org)).toHaveLength(1);
    expect(await billRow(billing, billId)).toEqual({ status: 'UNPAID', suspended_at: new Date('2026-04-21T00:00:00Z') });
    expect(await eventsOf(billing, org)).toHaveLength(1);
  });

  test('BILLING_SUSPEND_AFTER_DAYS = 0 never suspends', { timeout: 120_000 }, async ({ billing, tree }) => {
    const { org, billId } = await unpaidBill(billing, tree.resellerB, '2026-02-10', '2026-03-01T01:00:00Z');
    const never = new OverdueSuspension(
      billing.subgraph.db,
      billing.tenancy.port,
      0,
      () => new Date('2027-01-01T00:00:00Z'),
      createLogger({ service: 'test' }, 'error'),
    );
    expect(await never.run()).toBe(0);
    expect(suspensionsOf(billing, org)).toEqual([]);
    expect(await billRow(billing, billId)).toEqual({ status: 'UNPAID', suspended_at: null });
  });
});

const liftedAt = async (billing: Billing, billId: string) =>
  (await sql<{ suspension_lifted_at: Date | null }>`select suspension_lifted_at from bills where id = ${billId}`.execute(billing.subgraph.db)).rows[0]!
    .suspension_lifted_at;

describe('paying lifts the overdue suspension', () => {
  test('a suspended organisation stays suspended while short; once its bill is paid it is resumed once', { timeout: 120_000 }, async ({ billing, tree }) => {
    const { org, billId, invoice } = await unpaidBill(billing, tree.resellerA, '2026-01-10', '2026-02-01T01:00:00Z');
    billing.setNow('2026-02-15T01:00:00Z');
    expect(await billing.subgraph.suspendOverdue()).toBe(1);
    expect(billing.tenancy.statusOf(org)).toBe('SUSPENDED');

    // Still R 1.00 in the wallet against R 9.92: the retry is refused, nothing lifted.
    await billing.subgraph.collect(org);
    expect(await billRow(billing, billId)).toEqual({ status: 'UNPAID', suspended_at: new Date('2026-02-15T01:00:00Z') });
    expect(billing.tenancy.statusOf(org)).toBe('SUSPENDED');

    // Money arrives: the retry pays R 9.92 and the suspension is lifted, naming the invoice.
    billing.wallet.funds.set(org, 5_000n);
    billing.setNow('2026-02-20T00:00:00Z');
    await billing.subgraph.collect(org);
    expect((await billRow(billing, billId)).status).toBe('PAID');
    expect([...billing.wallet.debits.values()].filter((d) => d.organizationId === org).map((d) => d.amountMinor)).toEqual([992n]);
    expect(billing.wallet.funds.get(org)).toBe(4_008n);
    expect(billing.tenancy.statusOf(org)).toBe('ACTIVE');
    expect(billing.tenancy.resumptions.filter((r) => r.organizationId === org)).toEqual([{ organizationId: org, reason: `Overdue ${invoice} paid` }]);
    expect(await liftedAt(billing, billId)).toEqual(new Date('2026-02-20T00:00:00Z'));

    // Later passes change nothing, and a paid bill never suspends again.
    billing.setNow('2026-03-30T00:00:00Z');
    await Promise.all([billing.subgraph.collect(), billing.subgraph.collect(), billing.subgraph.suspendOverdue()]);
    expect(billing.tenancy.resumptions.filter((r) => r.organizationId === org)).toHaveLength(1);
    expect(billing.tenancy.suspensions.filter((s) => s.organizationId === org)).toHaveLength(1);
    expect(billing.tenancy.statusOf(org)).toBe('ACTIVE');
  });

  test("a person's suspension stands when the bill is paid; tenancy unreachable: the lift is retried", { timeout: 120_000 }, async ({ billing, tree }) => {
    const byPerson = await unpaidBill(billing, tree.resellerB, '2026-07-10', '2026-08-01T01:00:00Z');
    const later = await unpaidBill(billing, tree.resellerB, '2026-08-10', '2026-09-01T01:00:00Z');
    billing.setNow('2026-09-20T00:00:00Z');
    await billing.subgraph.suspendOverdue();
    expect([billing.tenancy.statusOf(byPerson.org), billing.tenancy.statusOf(later.org)]).toEqual(['SUSPENDED', 'SUSPENDED']);
    billing.tenancy.suspendByPerson(byPerson.org);
    billing.wallet.funds.set(byPerson.org, 5_000n);
    billing.wallet.funds.set(later.org, 5_000n);

    billing.tenancy.setDown(true);
    try {
      await billing.subgraph.collect();
    } finally {
      billing.tenancy.setDown(false);
    }
    // Both paid; neither lifted (tenancy did not answer), so both are still to be lifted.
    expect((await billRow(billing, byPerson.billId)).status).toBe('PAID');
    expect((await billRow(billing, later.billId)).status).toBe('PAID');
    expect(await liftedAt(billing, later.billId)).toBeNull();
    expect(billing.tenancy.statusOf(later.org)).toBe('SUSPENDED');

    await billing.subgraph.collect();
    expect(billing.tenancy.statusOf(later.org)).toBe('ACTIVE');
    expect(billing.tenancy.statusOf(byPerson.org)).toBe('SUSPENDED');
    expect(billing.tenancy.resumptions.map((r) => r.organizationId).filter((o) => o === byPerson.org || o === later.org)).toEqual([later.org]);
  });

  test(
    'suspension racing settlement (12 organisations, slow tenancy, passes run at once): every paid organisation ends ACTIVE, each lifted once',
    { timeout: 120_000 },
    async ({ billing, tree }) => {
      // 12 customers with a 10 h VM in September 2026, each with R 1.00: 12 UNPAID bills of R 9.92 each.
      const orgs = Array.from({ length: 12 }, () => billing.addCustomer(tree.resellerA));
      const before = await billing.observationCount();
      for (const org of orgs) {
        const vmId = newId();
        await billing.publish({ vmId, organizationId: org, at: '2026-09-10T00:00:00Z' });
        await billing.publish({ vmId, organizationId: org, at: '2026-09-10T10:00:00Z', status: 'DELETED', topic: 'vms.vm.deleted' });
        billing.wallet.funds.set(org, 100n);
      }
      await until(async () => ((await billing.observationCount()) === before + 24 ? true : undefined));
      billing.setNow('2026-10-01T01:00:00Z');
      expect(await billing.subgraph.closePeriod({ start: new Date('2026-09-01T00:00:00Z'), end: new Date('2026-10-01T00:00:00Z') })).toMatchObject({
        issued: 12,
        unpaid: 12,
      });

      // 14 days on, the money arrives just as the overdue pass runs: suspensions (each holding its bill while
      // tenancy answers, 15 ms) and settlements interleave.
      billing.setNow('2026-10-16T00:00:00Z');
      for (const org of orgs) billing.wallet.funds.set(org, 5_000n);
      billing.tenancy.setDelay(15);
      try {
        const suspending = billing.subgraph.suspendOverdue();
        await new Promise((resolve) => setTimeout(resolve, 40));
        await Promise.all([suspending, billing.subgraph.collect(), billing.subgraph.suspendOverdue(), billing.subgraph.collect()]);
      } finally {
        billing.tenancy.setDelay(0);
      }

      const { rows } = await sql<{ organization_id: string; status: string; suspended: boolean; lifted: boolean }>`
        select organization_id, status, suspended_at is not null as suspended, suspension_lifted_at is not null as lifted
        from bills where organization_id = any(${orgs}::uuid[])`.execute(billing.subgraph.db);
      expect(rows).toHaveLength(12);
      expect(rows.filter((r) => r.status !== 'PAID')).toEqual([]);
      // Each paid exactly once, R 9.92.
      expect([...billing.wallet.debits.values()].filter((d) => orgs.includes(d.organizationId)).map((d) => d.amountMinor)).toEqual(Array(12).fill(992n));
      // The race happened (some were suspended first), and every suspension was lifted, once.
      const suspended = rows.filter((r) => r.suspended).map((r) => r.organization_id);
      expect(suspended.length).toBeGreaterThan(0);
      expect(rows.filter((r) => r.suspended && !r.lifted)).toEqual([]);
      for (const org of orgs) {
        expect(billing.tenancy.statusOf(org)).toBe('ACTIVE');
        const times = (list: { organizationId: string }[]) => list.filter((x) => x.organizationId === org).length;
        expect(times(billing.tenancy.resumptions)).toBe(times(billing.tenancy.suspensions));
        expect(times(billing.tenancy.suspensions)).toBeLessThanOrEqual(1);
      }
    },
  );
});
