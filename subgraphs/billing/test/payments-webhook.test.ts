import { codesOf, gql, tokenAs } from '@platform/testkit';
import { expect } from 'vitest';
import { signWebhook } from '../src/index.ts';
import { paymentsTest as test, WEBHOOK_SECRET, webhookBody, type RunningPayments } from './support/payments-fixtures.ts';

const CREATE =
  'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id organizationId status checkoutUrl amount { amount currency } credited completedAt failureReason } }';
const TOP_UP = 'query($id: ID!) { topUp(id: $id) { id status checkoutUrl credited completedAt refundedAt failureReason } }';
const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on TopUp { id status } } }';

interface TopUpData {
  readonly id: string;
  readonly organizationId: string;
  readonly status: string;
  readonly checkoutUrl: string | null;
  readonly amount: { amount: string; currency: string };
  readonly credited: boolean;
}

async function createTopUp(payments: RunningPayments, token: string, organizationId: string, amount = '150.00', idempotencyKey?: string): Promise<TopUpData> {
  const r = await gql<{ createTopUp: TopUpData }>(payments.url, CREATE, { input: { organizationId, amount, idempotencyKey } }, { token });
  expect(r.errors).toBeUndefined();
  return r.data!.createTopUp;
}

const minor = (amount: string) => BigInt(amount.replace('.', ''));
const eventFor = (id: string, outcome: 'SUCCEEDED' | 'FAILED' | 'EXPIRED' | 'REFUNDED', amount = '150.00', eventId = `evt_${crypto.randomUUID()}`) =>
  webhookBody(
    eventId,
    outcome,
    { id, amountMinor: minor(amount), currency: 'ZAR', reference: `sim_${id}` },
    outcome === 'FAILED' ? 'card declined' : undefined,
  );

async function statusOf(payments: RunningPayments, token: string, id: string) {
  const r = await gql(payments.url, TOP_UP, { id }, { token });
  expect(r.errors).toBeUndefined();
  return r.data!.topUp as { status: string; credited: boolean; checkoutUrl: string | null; failureReason: string | null; refundedAt: string | null };
}

async function topUpEvents(payments: RunningPayments, topUpId: string): Promise<string[]> {
  const rows = await payments.subgraph.db
    .selectFrom('outbox')
    .select(['topic', 'payload', 'id'])
    .where('topic', '=', 'billing.top_up.changed')
    .orderBy('id')
    .execute();
  return rows
    .map((r) => r.payload as { topUpId: string; status: string })
    .filter((p) => p.topUpId === topUpId)
    .map((p) => p.status);
}

test('a BILLING member creates a top-up: PENDING with a checkout URL, and an event', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '150.00');
  expect(topUp).toMatchObject({ organizationId: tree.customerA, status: 'PENDING', amount: { amount: '150.00', currency: 'ZAR' }, credited: false });
  expect(topUp.checkoutUrl).toBe(new URL(`/payments/simulated-checkout?topUp=${topUp.id}`, payments.baseUrl).toString());
  expect(await topUpEvents(payments, topUp.id)).toEqual(['PENDING']);
  const page = await fetch(topUp.checkoutUrl!);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Simulated payment provider');
});

test('the same idempotency key returns the same top-up; with another amount it is CONFLICT', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'ADMIN');
  const first = await createTopUp(payments, token, tree.customerA, '200.00', 'key-1');
  const again = await createTopUp(payments, token, tree.customerA, '200.00', 'key-1');
  expect(again.id).toBe(first.id);
  const other = await gql(payments.url, CREATE, { input: { organizationId: tree.customerA, amount: '201.00', idempotencyKey: 'key-1' } }, { token });
  expect(codesOf(other)).toEqual(['CONFLICT']);
  expect(other.errors?.[0]?.extensions?.['field']).toBe('input.idempotencyKey');
});

test('createTopUp refuses other roles, other tenants, bounds and malformed input, writing nothing', async ({ payments, auth, tree }) => {
  const count = async () =>
    Number(
      (
        await payments.subgraph.db
          .selectFrom('top_ups')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const before = await count();
  const member = await gql(
    payments.url,
    CREATE,
    { input: { organizationId: tree.customerA, amount: '150.00' } },
    { token: await tokenAs(auth, tree.customerA, 'MEMBER') },
  );
  expect(codesOf(member)).toEqual(['FORBIDDEN']);
  const foreign = await gql(
    payments.url,
    CREATE,
    { input: { organizationId: tree.customerA, amount: '150.00' } },
    { token: await tokenAs(auth, tree.customerB, 'OWNER') },
  );
  expect(codesOf(foreign)).toEqual(['NOT_FOUND']);
  expect(foreign.errors?.[0]?.extensions?.['field']).toBe('input.organizationId');
  const service = await gql(
    payments.url,
    CREATE,
    { input: { organizationId: tree.customerA, amount: '150.00' } },
    { token: await auth.serviceToken('vms', ['wallet:credit']) },
  );
  expect(codesOf(service)).toEqual(['FORBIDDEN']);
  const token = await tokenAs(auth, tree.customerA, 'OWNER');
  for (const [amount, message] of [
    ['9.99', 'input.amount: must be between 10.00 and 100000.00 per top-up.'],
    ['100000.01', 'input.amount: must be between 10.00 and 100000.00 per top-up.'],
    ['1e3', 'input.amount: must be a decimal amount with at most 2 decimal places, like "150.00".'],
    ['-5', 'input.amount: must not be negative.'],
  ] as const) {
    const r = await gql(payments.url, CREATE, { input: { organizationId: tree.customerA, amount } }, { token });
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors?.[0]?.message).toBe(message);
  }
  const badId = await gql(payments.url, CREATE, { input: { organizationId: 'nope', amount: '50.00' } }, { token });
  expect(badId.errors?.[0]?.message).toBe('input.organizationId: must be a UUID.');
  const badKey = await gql(payments.url, CREATE, { input: { organizationId: tree.customerA, amount: '50.00', idempotencyKey: 'has space' } }, { token });
  expect(codesOf(badKey)).toEqual(['BAD_USER_INPUT']);
  expect(await count()).toBe(before);
});

test('a suspended organisation may still top up: paying in is how it settles an overdue bill', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  tree.directory.setSuspended(tree.customerA, true);
  try {
    const suspended = await gql(payments.url, CREATE, { input: { organizationId: tree.customerA, amount: '50.00' } }, { token });
    expect(suspended.errors).toBeUndefined();
    expect(suspended.data).toMatchObject({ createTopUp: { status: 'PENDING' } });
  } finally {
    tree.directory.setSuspended(tree.customerA, false);
  }
});

test('a signed success credits the wallet once; the same event again changes nothing', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '150.00');
  const body = eventFor(topUp.id, 'SUCCEEDED');
  const first = await payments.deliver(body);
  expect(first).toEqual({ status: 200, json: { received: true, outcome: 'applied' } });
  const again = await payments.deliver(body);
  expect(again).toEqual({ status: 200, json: { received: true, outcome: 'duplicate' } });
  expect(payments.wallet.credits.get(topUp.id)).toEqual({ organizationId: tree.customerA, amount: '150.00' });
  expect(await statusOf(payments, token, topUp.id)).toMatchObject({ status: 'SUCCEEDED', credited: true, checkoutUrl: null });
  expect(await topUpEvents(payments, topUp.id)).toEqual(['PENDING', 'SUCCEEDED']);
});

test('forged webhooks are refused with 401 and change nothing: wrong secret, tampered body, missing or malformed signature', async ({
  payments,
  auth,
  tree,
}) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '150.00');
  const body = eventFor(topUp.id, 'SUCCEEDED');
  const wrongSecret = await payments.deliver(body, { secret: 'another-secret-another-secret-another-secret' });
  expect(wrongSecret).toEqual({ status: 401, json: { errors: [{ message: 'The webhook signature does not match.' }] } });
  // Signed for 150.00, sent claiming 99999.00.
  const tampered = await payments.deliver(body.replace('"150.00"', '"99999.00"'), { header: signWebhook(WEBHOOK_SECRET, body, payments.now) });
  expect(tampered.status).toBe(401);
  expect(tampered.json.errors[0].message).toBe('The webhook signature does not match.');
  const missing = await payments.deliver(body, { header: null });
  expect(missing).toEqual({ status: 401, json: { errors: [{ message: 'Missing or malformed payment-signature header.' }] } });
  for (const header of ['garbage', 't=abc,v1=00', `t=${Math.floor(payments.now.getTime() / 1000)}`, `v1=${'0'.repeat(64)}`]) {
    expect((await payments.deliver(body, { header })).status).toBe(401);
  }
  expect(await statusOf(payments, token, topUp.id)).toMatchObject({ status: 'PENDING', credited: false });
  expect(payments.wallet.credits.has(topUp.id)).toBe(false);
  const seen = await payments.subgraph.db.selectFrom('payment_webhook_events').select('event_id').where('top_up_id', '=', topUp.id).execute();
  expect(seen).toEqual([]);
});

test('replays are refused: a timestamp older or newer than 5 minutes, and an event id seen before', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '150.00');
  const body = eventFor(topUp.id, 'SUCCEEDED');
  const old = await payments.deliver(body, { signedAt: new Date(payments.now.getTime() - 301_000) });
  expect(old.status).toBe(401);
  expect(old.json.errors[0].message).toBe('The webhook timestamp is more than 300 seconds away from now: refused as a possible replay.');
  const future = await payments.deliver(body, { signedAt: new Date(payments.now.getTime() + 301_000) });
  expect(future.status).toBe(401);
  expect(payments.wallet.credits.has(topUp.id)).toBe(false);
  // Within the window it is accepted; re-signed later with the same event id it is a duplicate.
  expect((await payments.deliver(body, { signedAt: new Date(payments.now.getTime() - 299_000) })).json.outcome).toBe('applied');
  expect((await payments.deliver(body)).json.outcome).toBe('duplicate');
  expect([...payments.wallet.credits.keys()].filter((id) => id === topUp.id)).toHaveLength(1);
});

test('20 concurrent deliveries of one webhook: one applied, 19 duplicates, one credit', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '300.00');
  const body = eventFor(topUp.id, 'SUCCEEDED', '300.00');
  const results = await Promise.all(Array.from({ length: 20 }, () => payments.deliver(body)));
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  const outcomes = results.map((r) => r.json.outcome as string).sort();
  expect(outcomes).toEqual(['applied', ...Array(19).fill('duplicate')]);
  expect(payments.wallet.credits.get(topUp.id)).toEqual({ organizationId: tree.customerA, amount: '300.00' });
  expect(await topUpEvents(payments, topUp.id)).toEqual(['PENDING', 'SUCCEEDED']);
});

test('a failed payment credits nothing; a failure reported after success changes nothing', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const failing = await createTopUp(payments, token, tree.customerA);
  expect((await payments.deliver(eventFor(failing.id, 'FAILED'))).json.outcome).toBe('applied');
  expect(await statusOf(payments, token, failing.id)).toMatchObject({ status: 'FAILED', credited: false, checkoutUrl: null, failureReason: 'card declined' });
  expect(payments.wallet.credits.has(failing.id)).toBe(false);

  const paid = await createTopUp(payments, token, tree.customerA);
  await payments.deliver(eventFor(paid.id, 'SUCCEEDED'));
  expect((await payments.deliver(eventFor(paid.id, 'FAILED'))).json.outcome).toBe('ignored');
  expect(await statusOf(payments, token, paid.id)).toMatchObject({ status: 'SUCCEEDED', credited: true });
});

test('a webhook whose amount differs from the top-up is ignored and credits nothing', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '150.00');
  expect((await payments.deliver(eventFor(topUp.id, 'SUCCEEDED', '1500.00'))).json.outcome).toBe('ignored');
  expect(await statusOf(payments, token, topUp.id)).toMatchObject({ status: 'PENDING', credited: false });
  expect(payments.wallet.credits.has(topUp.id)).toBe(false);
});

test('stale pending top-ups expire in the sweep; a success arriving later is still credited', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA);
  const fresh = await createTopUp(payments, token, tree.customerA);
  await payments.subgraph.db
    .updateTable('top_ups')
    .set({ expires_at: new Date(payments.now.getTime() - 1000) })
    .where('id', '=', topUp.id)
    .execute();
  await payments.subgraph.services.background.topUps.sweep();
  expect(await statusOf(payments, token, topUp.id)).toMatchObject({
    status: 'EXPIRED',
    checkoutUrl: null,
    failureReason: 'The checkout was not paid in time.',
  });
  expect((await statusOf(payments, token, fresh.id)).status).toBe('PENDING');
  expect(await topUpEvents(payments, topUp.id)).toEqual(['PENDING', 'EXPIRED']);
  // The customer paid at the last second: the money was taken, so it is credited.
  expect((await payments.deliver(eventFor(topUp.id, 'SUCCEEDED'))).json.outcome).toBe('applied');
  expect(await statusOf(payments, token, topUp.id)).toMatchObject({ status: 'SUCCEEDED', credited: true });
});

test('a refund reverses the credit once, whatever the redeliveries', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '120.00');
  expect((await payments.deliver(eventFor(topUp.id, 'REFUNDED', '120.00'))).json.outcome).toBe('ignored'); // nothing paid yet
  await payments.deliver(eventFor(topUp.id, 'SUCCEEDED', '120.00'));
  const refund = eventFor(topUp.id, 'REFUNDED', '120.00');
  expect((await payments.deliver(refund)).json.outcome).toBe('applied');
  expect((await payments.deliver(refund)).json.outcome).toBe('duplicate');
  expect((await payments.deliver(eventFor(topUp.id, 'REFUNDED', '120.00'))).json.outcome).toBe('ignored');
  expect(payments.wallet.refunds.get(topUp.id)).toEqual({ organizationId: tree.customerA, amount: '120.00' });
  const state = await statusOf(payments, token, topUp.id);
  expect(state.status).toBe('REFUNDED');
  expect(state.refundedAt).not.toBeNull();
  expect(await topUpEvents(payments, topUp.id)).toEqual(['PENDING', 'SUCCEEDED', 'REFUNDED']);
});

test('a wallet outage leaves the top-up SUCCEEDED but uncredited; the sweep credits it once', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA, '75.00');
  payments.wallet.failing = true;
  try {
    expect((await payments.deliver(eventFor(topUp.id, 'SUCCEEDED', '75.00'))).status).toBe(200);
  } finally {
    payments.wallet.failing = false;
  }
  expect(await statusOf(payments, token, topUp.id)).toMatchObject({ status: 'SUCCEEDED', credited: false });
  await payments.subgraph.services.background.topUps.sweep();
  await payments.subgraph.services.background.topUps.sweep();
  expect(await statusOf(payments, token, topUp.id)).toMatchObject({ status: 'SUCCEEDED', credited: true });
  expect(payments.wallet.credits.get(topUp.id)).toEqual({ organizationId: tree.customerA, amount: '75.00' });
});

test('malformed and oversized webhook bodies are refused without a stack or internals', async ({ payments, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'BILLING');
  const topUp = await createTopUp(payments, token, tree.customerA);
  const notJson = await payments.deliver('{not json');
  expect(notJson).toEqual({ status: 400, json: { errors: [{ message: 'The webhook body is not valid JSON.' }] } });
  const badType = await payments.deliver(
    JSON.stringify({ id: 'evt_1', type: 'checkout.exploded', data: { topUpId: topUp.id, amount: '150.00', currency: 'ZAR' } }),
  );
  expect(badType.status).toBe(400);
  expect(badType.json.errors[0].message).toBe('type: must be one of checkout.succeeded, checkout.failed, checkout.expired, charge.refunded.');
  const badId = await payments.deliver(
    JSON.stringify({ id: 'evt_2', type: 'checkout.succeeded', data: { topUpId: "1' or 1=1", amount: '150.00', currency: 'ZAR' } }),
  );
  expect(badId.json.errors[0].message).toBe('data.topUpId: must be a UUID.');
  const huge = await payments.deliver(JSON.stringify({ id: 'evt_3', padding: 'x'.repeat(70_000) }));
  expect(huge).toEqual({ status: 413, json: { errors: [{ message: 'Request body larger than 65536 bytes.' }] } });
  const unknown = await payments.deliver(eventFor(crypto.randomUUID(), 'SUCCEEDED'));
  expect(unknown).toEqual({ status: 200, json: { received: true, outcome: 'ignored' } });
  expect((await statusOf(payments, token, topUp.id)).status).toBe('PENDING');
});

test('tenancy: top-ups for BILLING members of the org and those above; _entities hides the rest', async ({ payments, auth, tree }) => {
  const topUp = await createTopUp(payments, await tokenAs(auth, tree.customerA, 'BILLING'), tree.customerA);
  const read = async (org: string, role: 'BILLING' | 'MEMBER' | 'ADMIN' | 'VIEWER') =>
    gql(payments.url, TOP_UP, { id: topUp.id }, { token: await tokenAs(auth, org, role) });
  expect((await read(tree.customerA, 'ADMIN')).data?.topUp.id).toBe(topUp.id);
  expect((await read(tree.resellerA, 'BILLING')).data?.topUp.id).toBe(topUp.id);
  expect((await read(tree.provider, 'BILLING')).data?.topUp.id).toBe(topUp.id);
  expect(codesOf(await read(tree.customerA, 'MEMBER'))).toEqual(['NOT_FOUND']);
  expect(codesOf(await read(tree.customerB, 'ADMIN'))).toEqual(['NOT_FOUND']);
  expect(codesOf(await read(tree.resellerB, 'ADMIN'))).toEqual(['NOT_FOUND']);
  const malformed = await gql(payments.url, TOP_UP, { id: 'x' }, { token: await tokenAs(auth, tree.customerA, 'ADMIN') });
  expect(malformed.errors?.[0]?.message).toBe('id: must be a UUID.');

  const representations = [
    { __typename: 'TopUp', id: topUp.id },
    { __typename: 'TopUp', id: crypto.randomUUID() },
    { __typename: 'TopUp', id: 'not-a-uuid' },
  ];
  const own = await gql(payments.url, ENTITIES, { representations }, { token: await tokenAs(auth, tree.customerA, 'BILLING') });
  expect(own.data?._entities).toEqual([{ id: topUp.id, status: 'PENDING' }, null, null]);
  const foreign = await gql(payments.url, ENTITIES, { representations }, { token: await tokenAs(auth, tree.customerB, 'OWNER') });
  expect(foreign.data?._entities).toEqual([null, null, null]);
  const service = await gql(payments.url, ENTITIES, { representations }, { token: await auth.serviceToken('vms', ['wallet:credit']) });
  expect(service.data?._entities).toEqual([null, null, null]);

  const ORG_TOP_UPS =
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { topUps(first: 5) { edges { node { id } } pageInfo { hasNextPage } } } } }';
  const listed = await gql(
    payments.url,
    ORG_TOP_UPS,
    { r: [{ __typename: 'Organization', id: tree.customerA }] },
    { token: await tokenAs(auth, tree.customerA, 'BILLING') },
  );
  expect(listed.errors).toBeUndefined();
  expect(listed.data?._entities[0].topUps.edges.length).toBeGreaterThan(0);
  const listedForeign = await gql(
    payments.url,
    ORG_TOP_UPS,
    { r: [{ __typename: 'Organization', id: tree.customerA }] },
    { token: await tokenAs(auth, tree.customerB, 'OWNER') },
  );
  expect(codesOf(listedForeign)).toEqual(['NOT_FOUND']);
});
