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
