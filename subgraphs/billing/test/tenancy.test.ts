import { newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { billingTest as test } from './support/fixtures.ts';

const BILL_ENTITY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Bill { id status total { amount } } } }`;
const BILL = `query($id: ID!) { bill(id: $id) { id invoiceNumber } }`;
const ORG_MONEY = `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  currentBill { total { amount } } bills(first: 5) { edges { node { id } } } } } }`;
const COST = `query($id: ID!) { _entities(representations: [{ __typename: "VirtualMachine", id: $id }]) { ... on VirtualMachine { costToDate { amount } } } }`;

describe('tenancy', () => {
  let billId = '';
  let vmId = '';

  test('setup: a bill of customerA', { timeout: 120_000 }, async ({ billing, tree }) => {
    vmId = newId();
    const before = await billing.observationCount();
    await billing.publish({ vmId, organizationId: tree.customerA, at: '2026-09-30T00:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + 1 ? true : undefined));
    billing.setNow('2026-10-01T00:00:00Z');
    await billing.subgraph.closePeriod({ start: new Date('2026-09-01T00:00:00Z'), end: new Date('2026-10-01T00:00:00Z') });
    const { rows } = await sql<{ id: string }>`select id from bills where organization_id = ${tree.customerA}`.execute(billing.subgraph.db);
    billId = rows[0]!.id;
    billing.setNow('2026-10-02T00:00:00Z');
    expect(billId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('who may read customerA bill, current bill and costs', { timeout: 120_000 }, async ({ billing, tree }) => {
    const matrix: [string, string, 'MONEY' | 'FORBIDDEN' | 'HIDDEN'][] = [
      ['provider', 'BILLING', 'MONEY'],
      ['provider', 'VIEWER', 'FORBIDDEN'],
      ['resellerA', 'ADMIN', 'MONEY'],
      ['resellerA', 'BILLING', 'MONEY'],
      ['resellerB', 'OWNER', 'HIDDEN'],
      ['customerA', 'OWNER', 'MONEY'],
      ['customerA', 'BILLING', 'MONEY'],
      ['customerA', 'MEMBER', 'FORBIDDEN'],
      ['customerA', 'VIEWER', 'FORBIDDEN'],
      ['customerB', 'OWNER', 'HIDDEN'],
      ['directCustomer', 'ADMIN', 'HIDDEN'],
    ];
    for (const [orgName, role, expected] of matrix) {
      const token = await billing.user(tree[orgName as 'provider'], role as 'OWNER');
      const entity = await billing.call(BILL_ENTITY, { reps: [{ __typename: 'Bill', id: billId }] }, token);
      const direct = await billing.call(BILL, { id: billId }, token);
      const org = await billing.call(ORG_MONEY, { id: tree.customerA }, token);
      const cost = await billing.call(COST, { id: vmId }, token);
      const label = `${orgName} ${role}`;
      if (expected === 'MONEY') {
        expect(entity.data._entities[0], label).toMatchObject({ id: billId, status: 'PAID' });
        expect(direct.data.bill.id, label).toBe(billId);
        expect(org.data._entities[0].bills.edges[0].node.id, label).toBe(billId);
        // October so far (24 h): 20.71 + VAT 3.11; costToDate excludes VAT.
        expect(org.data._entities[0].currentBill.total.amount, label).toBe('23.82');
        expect(cost.data._entities[0].costToDate, label).toEqual({ amount: '20.71' });
      } else {
        expect(entity.data._entities[0], label).toBeNull();
        expect(codesOf(direct), label).toEqual([expected === 'HIDDEN' ? 'NOT_FOUND' : 'FORBIDDEN']);
        expect(cost.data._entities[0].costToDate, label).toBeNull();
        if (expected === 'HIDDEN') expect(org.data._entities[0], label).toEqual({ currentBill: null, bills: null });
        else expect(codesOf(org), label).toEqual(['FORBIDDEN', 'FORBIDDEN']);
      }
    }
  });

  test(
    '_entities for Bill: malformed and unknown ids are null, a service token sees nothing, no token is refused',
    { timeout: 120_000 },
    async ({ billing, tree, auth }) => {
      const token = await billing.user(tree.provider, 'BILLING');
      const r = await billing.call(
        BILL_ENTITY,
        {
          reps: [
            { __typename: 'Bill', id: 'not-a-uuid' },
            { __typename: 'Bill', id: newId() },
            { __typename: 'Bill', id: billId.toUpperCase() },
          ],
        },
        token,
      );
      expect(r.data._entities.map((e: { id: string } | null) => e?.id ?? null)).toEqual([null, null, billId]);
      const service = await auth.serviceToken('wallet', ['tenancy:read', 'wallet:debit']);
      expect((await billing.call(BILL_ENTITY, { reps: [{ __typename: 'Bill', id: billId }] }, service)).data._entities).toEqual([null]);
      expect(codesOf(await billing.call(BILL, { id: billId }, service))).toEqual(['NOT_FOUND']);
      expect(codesOf(await billing.call(BILL, { id: billId }))).toEqual(['UNAUTHENTICATED']);
      const bad = await billing.call(BILL, { id: 'x' }, token);
      expect(bad.errors?.[0]?.message).toBe('id: must be a UUID.');
    },
  );

  test('the invoice document downloads for the bill owner with BILLING only', { timeout: 120_000 }, async ({ billing, tree }) => {
    const url = `${billing.baseUrl}/invoice?id=${billId}`;
    const get = async (token?: string) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const ok = await get(await billing.user(tree.customerA, 'BILLING'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await ok.text();
    expect(html).toContain('<h1>Tax invoice INV-');
    expect(html).toContain('<span id="total">ZAR 23.82</span>');
    expect(html).toContain('<span id="vat">ZAR 3.11</span>');
    expect((await get()).status).toBe(401);
    expect((await get('garbage')).status).toBe(401);
    expect((await get(await billing.user(tree.customerB, 'OWNER'))).status).toBe(404);
    expect((await get(await billing.user(tree.customerA, 'MEMBER'))).status).toBe(403);
    const malformed = await fetch(`${billing.baseUrl}/invoice?id=1%27%3B--`, {
      headers: { authorization: `Bearer ${await billing.user(tree.customerA, 'OWNER')}` },
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).not.toMatch(/select|stack/i);
  });
});
