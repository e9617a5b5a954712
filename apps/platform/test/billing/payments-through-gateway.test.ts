import { randomUUID } from 'node:crypto';
import { signWebhook, SIGNATURE_HEADER, webhookBody, type BillingPeriod } from '@platform/billing';
import { codesOf, until } from '@platform/testkit';
import { expect } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import type { TestPlatform } from '../../src/test-platform.ts';
import { platformTestWith } from '../support/platform-fixture.ts';

// Rating's billed revenue for October 2026 (bill-core's source replaces this input at merge).
const OCTOBER = '2026-10-01T00:00:00.000Z';
const billedRevenue = {
  revenueByOrganization: async (period: BillingPeriod) =>
    period.start.toISOString() === OCTOBER
      ? new Map([
          [DEMO_ORGS.protea, 2_000_00n],
          [DEMO_ORGS.baobab, 1_000_00n],
          [DEMO_ORGS.fynbos, 500_00n],
        ])
      : new Map<string, bigint>(),
};

const test = platformTestWith({
  billing: { env: { PAYMENT_SIMULATOR_DELAY_MS: '300', PAYMENT_SWEEP_INTERVAL_MS: '3600000' }, options: { billedRevenue } },
});
test.beforeAll(({ platform }) => void platform);

const CREATE = `mutation($i: CreateTopUpInput!) { createTopUp(input: $i) { id status checkoutUrl amount { amount currency } } }`;
const TOP_UP = `query($id: ID!) { topUp(id: $id) { id status credited } }`;
const WALLET = `query($id: ID!) { organization(id: $id) { wallet { balance { amount } transactions(first: 50) { edges { node { kind amount { amount } reference description } } } } } }`;

async function wallet(p: TestPlatform, organizationId: string, token: string) {
  const r = await p.gateway(WALLET, { id: organizationId }, token);
  expect(r.errors).toBeUndefined();
  const w = r.data.organization.wallet as {
    balance: { amount: string };
    transactions: { edges: { node: { kind: string; amount: { amount: string }; reference: string | null; description: string | null } }[] };
  };
  return { balance: w.balance.amount, transactions: w.transactions.edges.map((e) => e.node) };
}

async function deliver(p: TestPlatform, body: string, secret = p.paymentWebhookSecret) {
  const response = await fetch(new URL('/webhooks/payments', p.urls.billing), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, body, new Date()) },
    body,
  });
  return { status: response.status, json: (await response.json()) as { outcome?: string } };
}

const cents = (amount: string) => BigInt(amount.replace('.', ''));
const plus = (a: string, b: string) => {
  const sum = cents(a) + cents(b);
  return `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}`;
};

test('the simulated provider completes a top-up by itself: the wallet is credited once, through the gateway', { timeout: 60_000 }, async ({ platform: p }) => {
  const admin = await p.login('admin@protea.example');
  const before = await wallet(p, DEMO_ORGS.protea, admin);
  const created = await p.gateway(CREATE, { i: { organizationId: DEMO_ORGS.protea, amount: '250.00', idempotencyKey: 'gw-top-up-1' } }, admin);
  expect(created.errors).toBeUndefined();
  expect(created.data.createTopUp).toMatchObject({ status: 'PENDING', amount: { amount: '250.00', currency: 'ZAR' } });
  const id = created.data.createTopUp.id as string;
  expect(created.data.createTopUp.checkoutUrl).toMatch(/\/payments\/simulated-checkout\?topUp=/);
  const done = await until(async () => {
    const r = await p.gateway(TOP_UP, { id }, admin);
    return r.data?.topUp.credited ? r.data.topUp : undefined;
  }, 30_000);
  expect(done).toEqual({ id, status: 'SUCCEEDED', credited: true });
  const after = await wallet(p, DEMO_ORGS.protea, admin);
  expect(after.balance).toBe(plus(before.balance, '250.00'));
  expect(after.transactions.filter((t) => t.reference === `sim_${id}`)).toEqual([
    { kind: 'TOP_UP', amount: { amount: '250.00' }, reference: `sim_${id}`, description: 'Top-up' },
  ]);
  // A customer's own word still credits nothing: topUpWallet stays FORBIDDEN for it.
  const self = await p.gateway(
    `mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { id } }`,
    { i: { organizationId: DEMO_ORGS.protea, amount: '1.00', paymentReference: id, idempotencyKey: id } },
    admin,
  );
  expect(codesOf(self)).toEqual(['FORBIDDEN']);
});

test('20 concurrent deliveries of one signed webhook (racing the simulator) credit the real wallet once', { timeout: 60_000 }, async ({ platform: p }) => {
  const admin = await p.login('admin@baobab.example');
  const before = await wallet(p, DEMO_ORGS.baobab, admin);
  const created = await p.gateway(CREATE, { i: { organizationId: DEMO_ORGS.baobab, amount: '999.99' } }, admin);
  const id = created.data.createTopUp.id as string;
  const body = webhookBody(`evt_${randomUUID()}`, 'SUCCEEDED', { id, amountMinor: 999_99n, currency: 'ZAR', reference: `sim_${id}` });
  const results = await Promise.all(Array.from({ length: 20 }, () => deliver(p, body)));
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  // One of ours applies it, unless the simulator's own success got there first.
  expect(results.filter((r) => r.json.outcome === 'applied').length).toBeLessThanOrEqual(1);
  expect(results.filter((r) => r.json.outcome === 'duplicate').length).toBeGreaterThanOrEqual(19);
  await until(async () => ((await p.gateway(TOP_UP, { id }, admin)).data?.topUp.credited ? true : undefined), 30_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the simulator's delivery land too
  const after = await wallet(p, DEMO_ORGS.baobab, admin);
  expect(after.balance).toBe(plus(before.balance, '999.99'));
  expect(after.transactions.filter((t) => t.reference === `sim_${id}`)).toHaveLength(1);
  // A forged delivery (wrong secret) is refused before anything is read.
  expect((await deliver(p, body, 'not-the-secret-not-the-secret-not-the-secret')).status).toBe(401);
});

test('a refund takes the money back out of the real wallet once', { timeout: 60_000 }, async ({ platform: p }) => {
  const admin = await p.login('admin@fynbos.example');
  const created = await p.gateway(CREATE, { i: { organizationId: DEMO_ORGS.fynbos, amount: '40.00' } }, admin);
  const id = created.data.createTopUp.id as string;
  await until(async () => ((await p.gateway(TOP_UP, { id }, admin)).data?.topUp.credited ? true : undefined), 30_000);
  const before = await wallet(p, DEMO_ORGS.fynbos, admin);
  const refund = webhookBody(`evt_${randomUUID()}`, 'REFUNDED', { id, amountMinor: 40_00n, currency: 'ZAR' });
  const results = await Promise.all([deliver(p, refund), deliver(p, refund), deliver(p, refund)]);
  expect(results.map((r) => r.json.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
  const after = await wallet(p, DEMO_ORGS.fynbos, admin);
  expect(cents(before.balance) - cents(after.balance)).toBe(40_00n);
  expect(after.transactions.filter((t) => t.description === 'Top-up refund')).toEqual([
    { kind: 'ADJUSTMENT', amount: { amount: '-40.00' }, reference: id, description: 'Top-up refund' },
  ]);
  expect((await p.gateway(TOP_UP, { id }, admin)).data.topUp.status).toBe('REFUNDED');
});

test('a reseller sees its commission statement, paid once into its wallet', { timeout: 60_000 }, async ({ platform: p }) => {
  const providerAdmin = await p.login('admin@highveld.example');
  const providerBilling = await p.login('billing@highveld.example');
  const karoo = await p.login('owner@karoo.example');
  const rate = await p.gateway(
    `mutation($i: SetResellerCommissionRateInput!) { setResellerCommissionRate(input: $i) { tier basisPoints } }`,
    { i: { resellerId: DEMO_ORGS.karoo, tier: 'SILVER', effectiveFrom: '2026-01-01T00:00:00Z' } },
    providerAdmin,
  );
  expect(rate.data?.setResellerCommissionRate).toEqual({ tier: 'SILVER', basisPoints: 1000 });
  const run = await p.gateway(`mutation { computeCommissionStatements(input: { month: "2026-10" }) { computed frozen } }`, {}, providerBilling);
  expect(run.errors).toBeUndefined();
  const STATEMENTS = `query($id: ID!) { organization(id: $id) { name commissionRate { tier } commissionStatements(first: 5) { edges { node { id status period { start } base { amount } amount { amount } lines { customer { name } revenue { amount } } } } } } }`;
  const seen = await p.gateway(STATEMENTS, { id: DEMO_ORGS.karoo }, karoo);
  expect(seen.errors).toBeUndefined();
  const statement = seen.data.organization.commissionStatements.edges[0].node;
  expect(seen.data.organization.commissionRate).toEqual({ tier: 'SILVER' });
  expect(statement).toMatchObject({ status: 'PENDING', period: { start: OCTOBER }, base: { amount: '3000.00' }, amount: { amount: '300.00' } });
  expect(statement.lines.map((l: { customer: { name: string }; revenue: { amount: string } }) => `${l.customer.name} ${l.revenue.amount}`).sort()).toEqual([
    'Baobab Health 1000.00',
    'Protea Logistics 2000.00',
  ]);
  // Another reseller and a customer below karoo see nothing of it.
  expect(codesOf(await p.gateway(STATEMENTS, { id: DEMO_ORGS.karoo }, await p.login('owner@atlantic.example')))).toContain('NOT_FOUND');
  expect(
    codesOf(await p.gateway(`query($id: ID!) { commissionStatement(id: $id) { id } }`, { id: statement.id }, await p.login('admin@protea.example'))),
  ).toEqual(['NOT_FOUND']);

  const before = await wallet(p, DEMO_ORGS.karoo, karoo);
  await p.gateway(`mutation($id: ID!) { approveCommissionStatement(id: $id) { status } }`, { id: statement.id }, providerBilling);
  const pays = await Promise.all(
    Array.from({ length: 3 }, () => p.gateway(`mutation($id: ID!) { payCommissionStatement(id: $id) { status } }`, { id: statement.id }, providerBilling)),
  );
  expect(pays.map((r) => r.data?.payCommissionStatement.status)).toEqual(['PAID', 'PAID', 'PAID']);
  const after = await wallet(p, DEMO_ORGS.karoo, karoo);
  expect(cents(after.balance) - cents(before.balance)).toBe(300_00n);
  expect(after.transactions.filter((t) => t.reference === statement.id)).toEqual([
    { kind: 'COMMISSION', amount: { amount: '300.00' }, reference: statement.id, description: 'Commission 2026-10' },
  ]);
});
