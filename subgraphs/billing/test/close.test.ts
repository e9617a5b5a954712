import { newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { billingTest as test } from './support/fixtures.ts';

const CLOSE = `mutation($period: String!) { closeBillingPeriod(period: $period) { period { label } issued alreadyIssued paid unpaid } }`;
const BILLS = `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  bills(first: 10) { edges { node { id status invoiceNumber period { label } subtotal { amount } vat { amount } total { amount } issuedAt paidAt invoiceUrl
    lines(first: 2) { edges { cursor node { description hours amount { amount } } } pageInfo { hasNextPage endCursor } } } } } } } }`;

describe('closing a period', () => {
  test('close finalises a numbered bill, debits the wallet, and a second close changes nothing', { timeout: 120_000 }, async ({ billing, tree }) => {
    const org = billing.addCustomer(tree.resellerA);
    const vmId = newId();
    const before = await billing.observationCount();
    // On across the October/November boundary: October gets 10 h of compute, 10 h of storage.
    await billing.publish({ vmId, organizationId: org, at: '2026-10-31T14:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + 1 ? true : undefined));
    const staff = await billing.user(tree.provider, 'BILLING');

    billing.setNow('2026-10-31T23:00:00Z');
    const early = await billing.call(CLOSE, { period: '2026-10' }, staff);
    expect(codesOf(early)).toEqual(['INVALID_STATE']);

    billing.setNow('2026-11-01T00:05:00Z');
    const first = await billing.call(CLOSE, { period: '2026-10' }, staff);
    expect(first.errors).toBeUndefined();
    expect(first.data.closeBillingPeriod).toEqual({ period: { label: '2026-10' }, issued: 1, alreadyIssued: 0, paid: 1, unpaid: 0 });

    const r = await billing.call(BILLS, { id: org }, await billing.user(org, 'BILLING'));
    const [bill] = r.data._entities[0].bills.edges.map((e: { node: Record<string, unknown> }) => e.node);
    // 10 h: CPU 2 × 155 × 10 / 744 = 4.166… → 4.17; RAM 4 × 38 × 10 / 744 = 2.043… → 2.04; storage 180 × 10 / 744 = 2.419… → 2.42
    expect(bill).toMatchObject({
      status: 'PAID',
      period: { label: '2026-10' },
      subtotal: { amount: '8.63' },
      vat: { amount: '1.29' },
      total: { amount: '9.92' },
      issuedAt: '2026-11-01T00:05:00.000Z',
      paidAt: '2026-11-01T00:05:00.000Z',
    });
    expect(bill.invoiceNumber).toMatch(/^INV-\d{6}$/);
    expect(bill.invoiceUrl).toBe(`${billing.baseUrl}/invoice?id=${bill.id}`);
    expect(bill.lines.edges.map((e: { node: Record<string, unknown> }) => e.node)).toEqual([
      { description: 'vCPU, 2.0 GHz', hours: '10.00', amount: { amount: '4.17' } },
      { description: 'RAM', hours: '10.00', amount: { amount: '2.04' } },
    ]);
    expect(bill.lines.pageInfo.hasNextPage).toBe(true);
    expect([...billing.wallet.debits.values()]).toEqual([{ organizationId: org, amountMinor: 992n, transactionId: expect.any(String) }]);

    const again = await billing.call(CLOSE, { period: '2026-10' }, staff);
    expect(again.data.closeBillingPeriod).toEqual({ period: { label: '2026-10' }, issued: 0, alreadyIssued: 1, paid: 0, unpaid: 0 });
    const { rows } = await sql<{ n: string }>`select count(*) as n from bills`.execute(billing.subgraph.db);
    expect(rows[0]!.n).toBe('1');
    expect(billing.wallet.debits.size).toBe(1);
    expect(await billing.outbox('billing.bill.finalised')).toHaveLength(1);
    expect(await billing.outbox('billing.bill.paid')).toHaveLength(1);
    // BilledRevenueSource (commission's base): the finalised subtotal, VAT excluded.
    const october = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') };
    expect((await billing.subgraph.billedRevenue.revenueByOrganization(october)).get(org)).toBe(863n);
  });

  test('short funds leave the bill UNPAID with an event; a later pass collects it once funds arrive', { timeout: 120_000 }, async ({ billing, tree }) => {
    const org = billing.addCustomer(tree.resellerB);
    const before = await billing.observationCount();
    await billing.publish({ vmId: newId(), organizationId: org, at: '2026-09-30T00:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + 1 ? true : undefined));
    billing.wallet.funds.set(org, 100n);
    billing.setNow('2026-10-01T01:00:00Z');
    const staff = await billing.user(tree.provider, 'ADMIN');
    const r = await billing.call(CLOSE, { period: '2026-09' }, staff);
    expect(r.data.closeBillingPeriod).toEqual({ period: { label: '2026-09' }, issued: 1, alreadyIssued: 0, paid: 0, unpaid: 1 });
    const bills = async () =>
      (await billing.call(BILLS, { id: org }, await billing.user(org, 'OWNER'))).data._entities[0].bills.edges.map(
        (e: { node: { status: string; paidAt: string | null } }) => e.node,
      );
    expect((await bills())[0]).toMatchObject({ status: 'UNPAID', paidAt: null });
    const unpaid = await billing.outbox('billing.bill.unpaid');
    // 24 h: CPU 10.00, RAM 4.90, storage 5.81 → 20.71 + VAT 3.11 = 23.82
    expect(unpaid).toEqual([expect.objectContaining({ organizationId: org, reason: 'INSUFFICIENT_FUNDS', total: { amountMinor: '2382', currency: 'ZAR' } })]);

    billing.wallet.funds.set(org, 5000n);
    billing.setNow('2026-10-02T00:00:00Z');
    expect(await billing.subgraph.services.bills.settleUnpaid()).toEqual({ paid: 1, unpaid: 0 });
    expect((await bills())[0]).toMatchObject({ status: 'PAID', paidAt: '2026-10-02T00:00:00.000Z' });
    expect(billing.wallet.funds.get(org)).toBe(2618n);
    expect(await billing.outbox('billing.bill.unpaid')).toHaveLength(1);
  });

  test('concurrent closes issue each bill once with gap-free invoice numbers', { timeout: 120_000 }, async ({ billing, tree }) => {
    const orgs = Array.from({ length: 6 }, () => billing.addCustomer(tree.resellerA));
    const before = await billing.observationCount();
    for (const org of orgs) await billing.publish({ vmId: newId(), organizationId: org, at: '2026-08-31T12:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + orgs.length ? true : undefined));
    billing.setNow('2026-09-01T00:00:00Z');
    const staff = await billing.user(tree.provider, 'BILLING');
    const results = await Promise.all(Array.from({ length: 5 }, () => billing.call(CLOSE, { period: '2026-08' }, staff)));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(results.reduce((sum, r) => sum + (r.data.closeBillingPeriod.issued as number), 0)).toBe(6);
    const { rows } = await sql<{ invoice_number: string; organization_id: string }>`
      select invoice_number, organization_id from bills order by invoice_number`.execute(billing.subgraph.db);
    const numbers = rows.map((r) => Number(r.invoice_number));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(new Set(rows.filter((r) => orgs.includes(r.organization_id)).map((r) => r.organization_id)).size).toBe(6);
    const { rows: counter } = await sql<{ last_number: string }>`select last_number from invoice_counter`.execute(billing.subgraph.db);
    expect(Number(counter[0]!.last_number)).toBe(numbers.length);
  });

  test('a close that fails part-way consumes no invoice number', { timeout: 120_000 }, async ({ billing, tree }) => {
    const org = billing.addCustomer(tree.resellerB);
    const before = await billing.observationCount();
    await billing.publish({ vmId: newId(), organizationId: org, at: '2026-07-31T12:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + 1 ? true : undefined));
    billing.setNow('2026-08-01T00:00:00Z');
    const { rows: last } = await sql<{ last_number: string }>`select last_number from invoice_counter`.execute(billing.subgraph.db);
    // A trigger makes the bill's line insert fail after the bill row and number were written in the transaction.
    await sql`create function fail_lines() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`.execute(billing.subgraph.db);
    await sql`create trigger fail_lines before insert on bill_lines for each statement execute function fail_lines()`.execute(billing.subgraph.db);
    const staff = await billing.user(tree.provider, 'BILLING');
    const failed = await billing.call(CLOSE, { period: '2026-07' }, staff);
    expect(codesOf(failed)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(failed.errors?.[0]?.message).toMatch(/^Internal error/);
    expect(JSON.stringify(failed.errors)).not.toMatch(/disk full|insert into/);
    await sql`drop trigger fail_lines on bill_lines`.execute(billing.subgraph.db);
    const ok = await billing.call(CLOSE, { period: '2026-07' }, staff);
    expect(ok.data.closeBillingPeriod.issued).toBe(1);
    const { rows } = await sql<{ invoice_number: string }>`select invoice_number from bills where organization_id = ${org}`.execute(billing.subgraph.db);
    expect(BigInt(rows[0]!.invoice_number)).toBe(BigInt(last[0]!.last_number) + 1n);
  });

  test('only provider staff with BILLING close a period; a malformed period names the field', { timeout: 120_000 }, async ({ billing, tree }) => {
    billing.setNow('2026-11-15T00:00:00Z');
    for (const [org, role] of [
      [tree.resellerA, 'OWNER'],
      [tree.customerA, 'OWNER'],
      [tree.provider, 'MEMBER'],
      [tree.provider, 'VIEWER'],
    ] as const) {
      expect(codesOf(await billing.call(CLOSE, { period: '2026-06' }, await billing.user(org, role)))).toEqual(['FORBIDDEN']);
    }
    expect(codesOf(await billing.call(CLOSE, { period: '2026-06' }))).toEqual(['UNAUTHENTICATED']);
    const bad = await billing.call(CLOSE, { period: '2026-6' }, await billing.user(tree.provider, 'BILLING'));
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.['field']).toBe('period');
  });
});
