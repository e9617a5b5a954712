import { codesOf, gql, tokenAs } from '@platform/testkit';
import { describe, expect, it } from 'vitest';
import { commissionOn } from '../src/domain/commission-service.ts';
import { paymentsTest as test, type RunningPayments } from './support/payments-fixtures.ts';

const SET_RATE = 'mutation($input: SetResellerCommissionRateInput!) { setResellerCommissionRate(input: $input) { tier basisPoints effectiveFrom } }';
const COMPUTE = 'mutation($month: String!) { computeCommissionStatements(input: { month: $month }) { computed frozen } }';
const APPROVE = 'mutation($id: ID!) { approveCommissionStatement(id: $id) { id status approvedAt } }';
const PAY = 'mutation($id: ID!) { payCommissionStatement(id: $id) { id status paidAt amount { amount } } }';
const STATEMENT_FIELDS =
  'id status reseller { id } period { start end } rate { tier basisPoints } base { amount currency } amount { amount currency } lines { customer { id } revenue { amount } }';
const STATEMENT = `query($id: ID!) { commissionStatement(id: $id) { ${STATEMENT_FIELDS} } }`;
const ORG_STATEMENTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id commissionRate { tier basisPoints } commissionStatements(first: 10) { edges { node { ${STATEMENT_FIELDS} } } } } } }`;
const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on CommissionStatement { id status } } }';

interface StatementPage {
  readonly edges: { readonly node: { readonly period: { readonly start: string } } }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

// A closed month in the past, so each file run starts with none computed.
const MONTH = '2026-09';
const MONTH_START = '2026-09-01T00:00:00.000Z';

describe('commissionOn', () => {
  it('multiplies the base by the rate and rounds once, half to even', () => {
    expect(commissionOn(100_000n, 1000)).toBe(10_000n); // R1000.00 at 10 % = R100.00
    expect(commissionOn(10n, 500)).toBe(0n); // 0.5 cent → 0 (even)
    expect(commissionOn(30n, 500)).toBe(2n); // 1.5 cents → 2 (even)
    expect(commissionOn(50n, 500)).toBe(2n); // 2.5 cents → 2 (even)
    expect(commissionOn(12_345n, 1500)).toBe(1_852n); // 1851.75 → 1852
  });
});

async function statementOf(payments: RunningPayments, resellerId: string) {
  const row = await payments.subgraph.db
    .selectFrom('commission_statements')
    .select(['id', 'amount_minor', 'status'])
    .where('reseller_id', '=', resellerId)
    .where('period_start', '=', new Date(MONTH_START))
    .executeTakeFirstOrThrow();
  return { id: row.id, amountMinor: BigInt(row.amount_minor), status: row.status };
}

test('rates, statements and the PENDING → APPROVED → PAID lifecycle; approved never changes, paid once', async ({ payments, auth, tree }) => {
  const admin = await tokenAs(auth, tree.provider, 'ADMIN');
  const billing = await tokenAs(auth, tree.provider, 'BILLING');
  // resellerA: SILVER from before the month, GOLD only from mid-month (the rate in force at the start counts).
  const silver = await gql(
    payments.url,
    SET_RATE,
    { input: { resellerId: tree.resellerA, tier: 'SILVER', effectiveFrom: '2026-01-01T00:00:00Z' } },
    { token: admin },
  );
  expect(silver.data?.setResellerCommissionRate).toEqual({ tier: 'SILVER', basisPoints: 1000, effectiveFrom: '2026-01-01T00:00:00.000Z' });
  await gql(payments.url, SET_RATE, { input: { resellerId: tree.resellerA, tier: 'GOLD', effectiveFrom: '2026-09-15T00:00:00Z' } }, { token: admin });
  // resellerB: a custom 7.5 %.
  const custom = await gql(
    payments.url,
    SET_RATE,
    { input: { resellerId: tree.resellerB, basisPoints: 750, effectiveFrom: '2026-08-01T00:00:00Z' } },
    { token: admin },
  );
  expect(custom.data?.setResellerCommissionRate).toEqual({ tier: null, basisPoints: 750, effectiveFrom: '2026-08-01T00:00:00.000Z' });

  payments.spend.revenue.set(
    MONTH_START,
    new Map([
      [tree.customerA, 1_000_00n],
      [tree.customerB, 333_33n],
      [tree.directCustomer, 5_000_00n], // under the provider: no reseller, no commission
    ]),
  );
  const computed = await gql(payments.url, COMPUTE, { month: MONTH }, { token: billing });
  expect(computed.data?.computeCommissionStatements).toEqual({ computed: 2, frozen: 0 });

  const a = await statementOf(payments, tree.resellerA);
  const read = await gql(payments.url, STATEMENT, { id: a.id }, { token: billing });
  expect(read.data?.commissionStatement).toEqual({
    id: a.id,
    status: 'PENDING',
    reseller: { id: tree.resellerA },
    period: { start: MONTH_START, end: '2026-10-01T00:00:00.000Z' },
    rate: { tier: 'SILVER', basisPoints: 1000 },
    base: { amount: '1000.00', currency: 'ZAR' },
    amount: { amount: '100.00', currency: 'ZAR' },
    lines: [{ customer: { id: tree.customerA }, revenue: { amount: '1000.00' } }],
  });
  const b = await statementOf(payments, tree.resellerB);
  expect(b.amountMinor).toBe(2_500n); // 333.33 × 7.5 % = 24.99975 → 25.00

  // Paying before approval is refused; approving moves it.
  expect(codesOf(await gql(payments.url, PAY, { id: a.id }, { token: billing }))).toEqual(['INVALID_STATE']);
  const approved = await gql(payments.url, APPROVE, { id: a.id }, { token: billing });
  expect(approved.data?.approveCommissionStatement.status).toBe('APPROVED');
  expect(codesOf(await gql(payments.url, APPROVE, { id: a.id }, { token: billing }))).toEqual(['INVALID_STATE']);

  // Late revenue arrives; recomputing changes B (pending) but never A (approved).
  payments.spend.revenue.set(
    MONTH_START,
    new Map([
      [tree.customerA, 9_000_00n],
      [tree.customerB, 1_000_00n],
    ]),
  );
  expect((await gql(payments.url, COMPUTE, { month: MONTH }, { token: billing })).data?.computeCommissionStatements).toEqual({ computed: 1, frozen: 1 });
  expect(await statementOf(payments, tree.resellerA)).toEqual({ id: a.id, amountMinor: 100_00n, status: 'APPROVED' });
  expect(await statementOf(payments, tree.resellerB)).toEqual({ id: b.id, amountMinor: 75_00n, status: 'PENDING' });

  // Paid into the reseller's wallet once, however often and however concurrently it is paid.
  const paid = await Promise.all(Array.from({ length: 5 }, () => gql(payments.url, PAY, { id: a.id }, { token: billing })));
  expect(paid.map((r) => r.data?.payCommissionStatement.status)).toEqual(Array(5).fill('PAID'));
  expect(payments.wallet.commissions.get(a.id)).toEqual({ resellerId: tree.resellerA, amount: '100.00' });
  expect((await gql(payments.url, PAY, { id: a.id }, { token: billing })).data?.payCommissionStatement.amount.amount).toBe('100.00');
  expect(await gql(payments.url, COMPUTE, { month: MONTH }, { token: billing }).then((r) => r.data?.computeCommissionStatements)).toEqual({
    computed: 1,
    frozen: 1,
  });
  expect(await statementOf(payments, tree.resellerA)).toEqual({ id: a.id, amountMinor: 100_00n, status: 'PAID' });

  const events = await payments.subgraph.db
    .selectFrom('outbox')
    .select('payload')
    .where('topic', '=', 'billing.commission_statement.changed')
    .orderBy('id')
    .execute();
  expect(events.map((e) => (e.payload as { statementId: string; status: string }).status)).toEqual(['APPROVED', 'PAID']);
});

test('only provider staff set rates, compute, approve and pay; bad input names the field', async ({ payments, auth, tree }) => {
  const resellerAdmin = await tokenAs(auth, tree.resellerA, 'OWNER');
  const providerMember = await tokenAs(auth, tree.provider, 'MEMBER');
  const providerAdmin = await tokenAs(auth, tree.provider, 'ADMIN');
  expect(
    codesOf(
      await gql(
        payments.url,
        SET_RATE,
        { input: { resellerId: tree.resellerA, tier: 'GOLD', effectiveFrom: '2026-01-01T00:00:00Z' } },
        { token: resellerAdmin },
      ),
    ),
  ).toEqual(['FORBIDDEN']);
  expect(codesOf(await gql(payments.url, COMPUTE, { month: MONTH }, { token: resellerAdmin }))).toEqual(['FORBIDDEN']);
  expect(codesOf(await gql(payments.url, COMPUTE, { month: MONTH }, { token: providerMember }))).toEqual(['FORBIDDEN']);
  expect(codesOf(await gql(payments.url, APPROVE, { id: crypto.randomUUID() }, { token: resellerAdmin }))).toEqual(['FORBIDDEN']);
  expect(codesOf(await gql(payments.url, APPROVE, { id: crypto.randomUUID() }, { token: providerAdmin }))).toEqual(['NOT_FOUND']);

  const both = await gql(
    payments.url,
    SET_RATE,
    { input: { resellerId: tree.resellerA, tier: 'GOLD', basisPoints: 10, effectiveFrom: '2026-01-01T00:00:00Z' } },
    { token: providerAdmin },
  );
  expect(both.errors?.[0]?.message).toBe('input.tier: give either a tier or basisPoints (a custom rate), not both and not neither.');
  const tooHigh = await gql(
    payments.url,
    SET_RATE,
    { input: { resellerId: tree.resellerA, basisPoints: 10_001, effectiveFrom: '2026-01-01T00:00:00Z' } },
    { token: providerAdmin },
  );
  expect(tooHigh.errors?.[0]?.message).toBe('input.basisPoints: must be a whole number from 0 to 10000.');
  const customer = await gql(
    payments.url,
    SET_RATE,
    { input: { resellerId: tree.customerA, tier: 'GOLD', effectiveFrom: '2026-01-01T00:00:00Z' } },
    { token: providerAdmin },
  );
  expect(customer.errors?.[0]?.message).toBe('input.resellerId: must be a reseller organisation.');
  const month = await gql(payments.url, COMPUTE, { month: '2026-13' }, { token: providerAdmin });
  expect(month.errors?.[0]?.message).toBe('input.month: must be a month like "2026-11".');
  const current = new Date(payments.now);
  const thisMonth = `${current.getUTCFullYear()}-${String(current.getUTCMonth() + 1).padStart(2, '0')}`;
  expect(codesOf(await gql(payments.url, COMPUTE, { month: thisMonth }, { token: providerAdmin }))).toEqual(['INVALID_STATE']);
});

test('tenancy: statements for the reseller (BILLING+) and provider staff only, _entities included', async ({ payments, auth, tree }) => {
  // resellerB: a custom rate from August; July's statement uses the default (BRONZE, 5 %).
  await gql(
    payments.url,
    SET_RATE,
    { input: { resellerId: tree.resellerB, basisPoints: 750, effectiveFrom: '2026-08-01T00:00:00Z' } },
    { token: await tokenAs(auth, tree.provider, 'ADMIN') },
  );
  payments.spend.revenue.set('2026-07-01T00:00:00.000Z', new Map([[tree.customerB, 200_00n]]));
  await gql(payments.url, COMPUTE, { month: '2026-07' }, { token: await tokenAs(auth, tree.provider, 'BILLING') });
  const statementId = (
    await payments.subgraph.db
      .selectFrom('commission_statements')
      .select('id')
      .where('reseller_id', '=', tree.resellerB)
      .where('period_start', '=', new Date('2026-07-01T00:00:00Z'))
      .executeTakeFirstOrThrow()
  ).id;
  const read = async (org: string, role: 'BILLING' | 'MEMBER' | 'OWNER' | 'VIEWER') =>
    gql(payments.url, STATEMENT, { id: statementId }, { token: await tokenAs(auth, org, role) });
  expect((await read(tree.resellerB, 'BILLING')).data?.commissionStatement.amount.amount).toBe('10.00'); // default BRONZE 5 %
  expect((await read(tree.provider, 'BILLING')).data?.commissionStatement.id).toBe(statementId);
  expect(codesOf(await read(tree.resellerB, 'MEMBER'))).toEqual(['NOT_FOUND']);
  expect(codesOf(await read(tree.resellerA, 'OWNER'))).toEqual(['NOT_FOUND']);
  expect(codesOf(await read(tree.customerB, 'OWNER'))).toEqual(['NOT_FOUND']);

  const r = [
    { __typename: 'CommissionStatement', id: statementId },
    { __typename: 'CommissionStatement', id: 'bad' },
  ];
  expect((await gql(payments.url, ENTITIES, { r }, { token: await tokenAs(auth, tree.resellerB, 'OWNER') })).data?._entities).toEqual([
    { id: statementId, status: 'PENDING' },
    null,
  ]);
  expect((await gql(payments.url, ENTITIES, { r }, { token: await tokenAs(auth, tree.resellerA, 'OWNER') })).data?._entities).toEqual([null, null]);
  expect((await gql(payments.url, ENTITIES, { r }, { token: await auth.serviceToken('vms', ['wallet:commission']) })).data?._entities).toEqual([null, null]);

  const orgs = [{ __typename: 'Organization', id: tree.resellerB }];
  const own = await gql(payments.url, ORG_STATEMENTS, { r: orgs }, { token: await tokenAs(auth, tree.resellerB, 'BILLING') });
  expect(own.errors).toBeUndefined();
  expect(own.data?._entities[0].commissionRate).toEqual({ tier: null, basisPoints: 750 });
  expect(own.data?._entities[0].commissionStatements.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(statementId);
  expect(codesOf(await gql(payments.url, ORG_STATEMENTS, { r: orgs }, { token: await tokenAs(auth, tree.resellerB, 'VIEWER') }))).toEqual(['FORBIDDEN']);
  expect(codesOf(await gql(payments.url, ORG_STATEMENTS, { r: orgs }, { token: await tokenAs(auth, tree.resellerA, 'OWNER') }))).toEqual(['NOT_FOUND']);
  expect(codesOf(await gql(payments.url, ORG_STATEMENTS, { r: orgs }, { token: await tokenAs(auth, tree.customerB, 'OWNER') }))).toEqual(['NOT_FOUND']);

  // Pages, newest period first; the cursor carries on where the page ended.
  payments.spend.revenue.set('2026-06-01T00:00:00.000Z', new Map([[tree.customerB, 100_00n]]));
  await gql(payments.url, COMPUTE, { month: '2026-06' }, { token: await tokenAs(auth, tree.provider, 'BILLING') });
  const PAGE = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Organization { commissionStatements(first: 1, after: $after) { edges { node { period { start } } } pageInfo { hasNextPage endCursor } } } } }`;
  const token = await tokenAs(auth, tree.provider, 'BILLING');
  const starts: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 5; i++) {
    const page = await gql<{ _entities: { commissionStatements: StatementPage }[] }>(payments.url, PAGE, { r: orgs, after }, { token });
    expect(page.errors).toBeUndefined();
    const connection: StatementPage = page.data!._entities[0]!.commissionStatements;
    starts.push(...connection.edges.map((e) => e.node.period.start));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  expect(starts.filter((start) => start < '2026-08')).toEqual(['2026-07-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z']);
  expect(starts).toEqual([...starts].sort().reverse());
  const forged = await gql(payments.url, PAGE, { r: orgs, after: Buffer.from('["x","y"]').toString('base64') }, { token });
  expect(forged.errors?.[0]?.message).toBe('after: is not a cursor this API gave out.');
});
