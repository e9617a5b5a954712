import { codesOf, gql, tokenAs } from '@platform/testkit';
import { expect } from 'vitest';
import { paymentsTest as test, type RunningPayments } from './support/payments-fixtures.ts';

const SET =
  'mutation($input: SetBudgetInput!) { setBudget(input: $input) { organizationId amount { amount currency } spent { amount } percent thresholdsReached period { start end } } }';
const BUDGETS =
  'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id budget { amount { amount } spent { amount } percent thresholdsReached } } } }';

async function thresholdEvents(payments: RunningPayments, organizationId: string) {
  const rows = await payments.subgraph.db
    .selectFrom('outbox')
    .select(['payload', 'id'])
    .where('topic', '=', 'billing.budget.threshold_reached')
    .orderBy('id')
    .execute();
  return rows
    .map((r) => r.payload as { organizationId: string; thresholdPercent: number; periodStart: string; spent: { amountMinor: string } })
    .filter((p) => p.organizationId === organizationId)
    .map((p) => `${p.periodStart.slice(0, 7)} ${p.thresholdPercent}% at ${p.spent.amountMinor}`);
}

test('setBudget: BILLING, ADMIN and OWNER set it; MEMBER, other tenants and bad amounts are refused; null clears', async ({ payments, auth, tree }) => {
  const set = async (org: string, role: 'BILLING' | 'ADMIN' | 'OWNER' | 'MEMBER', monthlyAmount: string | null, target = tree.directCustomer) =>
    gql(payments.url, SET, { input: { organizationId: target, monthlyAmount } }, { token: await tokenAs(auth, org, role) });
  payments.spend.accrued.set(tree.directCustomer, 250_00n);
  const r = await set(tree.directCustomer, 'BILLING', '1000.00');
  expect(r.errors).toBeUndefined();
  const month = new Date(Date.UTC(payments.now.getUTCFullYear(), payments.now.getUTCMonth(), 1)).toISOString();
  expect(r.data?.setBudget).toMatchObject({
    organizationId: tree.directCustomer,
    amount: { amount: '1000.00', currency: 'ZAR' },
    spent: { amount: '250.00' },
    percent: 25,
    thresholdsReached: [],
  });
  expect(r.data?.setBudget.period.start).toBe(month);
  expect((await set(tree.directCustomer, 'ADMIN', '2000.00')).data?.setBudget.percent).toBe(12);
  expect((await set(tree.provider, 'OWNER', '500.00')).data?.setBudget.percent).toBe(50);
  expect(codesOf(await set(tree.directCustomer, 'MEMBER', '1.00'))).toEqual(['FORBIDDEN']);
  const foreign = await set(tree.customerB, 'OWNER', '1.00');
  expect(codesOf(foreign)).toEqual(['NOT_FOUND']);
  expect(foreign.errors?.[0]?.extensions?.['field']).toBe('input.organizationId');
  expect((await set(tree.directCustomer, 'OWNER', '0')).errors?.[0]?.message).toBe('input.monthlyAmount: must be more than zero.');
  expect((await set(tree.directCustomer, 'OWNER', '12.345')).errors?.[0]?.message).toBe(
    'input.monthlyAmount: must be a decimal amount with at most 2 decimal places, like "150.00".',
  );
  const unchanged = await gql(
    payments.url,
    BUDGETS,
    { r: [{ __typename: 'Organization', id: tree.directCustomer }] },
    { token: await tokenAs(auth, tree.directCustomer, 'VIEWER') },
  );
  expect(unchanged.data?._entities[0].budget).toEqual({ amount: { amount: '500.00' }, spent: { amount: '250.00' }, percent: 50, thresholdsReached: [] });
  expect((await set(tree.directCustomer, 'OWNER', null)).data?.setBudget).toBeNull();
  const cleared = await gql(
    payments.url,
    BUDGETS,
    { r: [{ __typename: 'Organization', id: tree.directCustomer }] },
    { token: await tokenAs(auth, tree.directCustomer, 'VIEWER') },
  );
  expect(cleared.data?._entities[0].budget).toBeNull();
});

test('80 % and 100 % are announced once each per period, and again in the next period', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  await gql(payments.url, SET, { input: { organizationId: tree.customerA, monthlyAmount: '1000.00' } }, { token });
  const budgets = payments.subgraph.services.background.budgets;
  const start = payments.now;
  try {
    payments.now = new Date('2026-10-10T12:00:00Z');
    payments.spend.accrued.set(tree.customerA, 799_99n); // 79.999 %: not yet
    expect(await budgets.check()).toBe(0);
    payments.spend.accrued.set(tree.customerA, 800_00n);
    expect(await budgets.check()).toBe(1);
    expect(await budgets.check()).toBe(0);
    payments.spend.accrued.set(tree.customerA, 1_200_00n);
    await budgets.check();
    await budgets.check();
    // Concurrent passes (two replicas) announce nothing twice.
    payments.now = new Date('2026-11-02T00:00:00Z');
    await Promise.all([budgets.check(), budgets.check(), budgets.check()]);
    expect(await thresholdEvents(payments, tree.customerA)).toEqual([
      '2026-10 80% at 80000',
      '2026-10 100% at 120000',
      '2026-11 80% at 120000',
      '2026-11 100% at 120000',
    ]);
  } finally {
    payments.now = start;
  }
});

test('budgets of many organisations cost one spend lookup; other tenants see null', async ({ payments, auth, tree }) => {
  const provider = await tokenAs(auth, tree.provider, 'ADMIN');
  for (const org of [tree.customerA, tree.customerB, tree.directCustomer]) {
    await gql(payments.url, SET, { input: { organizationId: org, monthlyAmount: '100.00' } }, { token: provider });
  }
  payments.spend.accrued.set(tree.customerB, 42_00n);
  payments.spend.accruedCalls.length = 0;
  const r = [tree.customerA, tree.customerB, tree.directCustomer].map((id) => ({ __typename: 'Organization', id }));
  const all = await gql(payments.url, BUDGETS, { r }, { token: provider });
  expect(all.errors).toBeUndefined();
  expect(all.data?._entities.map((o: { budget: { percent: number } | null }) => o.budget?.percent)).toEqual([expect.any(Number), 42, expect.any(Number)]);
  expect(payments.spend.accruedCalls).toHaveLength(1);
  expect([...payments.spend.accruedCalls[0]!].sort()).toEqual([tree.customerA, tree.customerB, tree.directCustomer].sort());
  const foreign = await gql(payments.url, BUDGETS, { r }, { token: await tokenAs(auth, tree.customerA, 'OWNER') });
  expect(foreign.data?._entities.map((o: { budget: unknown }) => o.budget === null)).toEqual([false, true, true]);
});
