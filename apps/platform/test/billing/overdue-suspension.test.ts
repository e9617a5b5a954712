import { newId } from '@platform/kernel';
import { gql, until } from '@platform/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { createOrg, expectError, ok, PROVIDER_OWNER } from '../tenancy/support/fixtures.ts';

// Billing's clock, moved by the test (BILLING_SUSPEND_AFTER_DAYS defaults to 14).
let now = new Date('2026-12-20T00:00:00Z');
let p: TestPlatform;
let provider: string;

beforeAll(async () => {
  p = await startTestPlatform({ billing: { env: { PAYMENT_SIMULATOR_DELAY_MS: '200' }, options: { clock: () => now } } });
  provider = await p.login(PROVIDER_OWNER);
}, 180_000);
afterAll(() => p?.close());

const STATUS = `query($id: ID!) { organization(id: $id) { status } }`;
const statusOf = async (id: string) => ok(await p.gateway<{ organization: { status: string } }>(STATUS, { id }, provider)).organization.status;

let invoice = 900_000;
/** A November bill as billing's close leaves it (the close itself is tested in billing's own tests). */
async function insertBill(organizationId: string, status: 'UNPAID' | 'PAID', unpaidSince: string): Promise<string> {
  const id = newId();
  invoice += 1;
  await sql`insert into bills (id, organization_id, period_start, period_end, status, invoice_number, currency, subtotal_minor, vat_minor, total_minor, issued_at, paid_at, unpaid_since)
    values (${id}, ${organizationId}, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', ${status}, ${invoice}, 'ZAR', 10000, 1500, 11500, ${unpaidSince},
      ${status === 'PAID' ? '2026-12-05T00:00:00Z' : null}, ${unpaidSince})`.execute(p.billing.db);
  return id;
}
const suspendedAt = async (billId: string) =>
  (await sql<{ suspended_at: Date | null }>`select suspended_at from bills where id = ${billId}`.execute(p.billing.db)).rows[0]!.suspended_at;
const tenancyEvents = async (organizationId: string) =>
  (
    await sql<{
      payload: Record<string, unknown>;
    }>`select payload from outbox where topic = 'tenancy.organization.updated' and payload->>'organizationId' = ${organizationId} order by id`.execute(
      p.tenancy.db,
    )
  ).rows.map((r) => r.payload);

/** A service token as identity issues it to a service holding its credential. */
async function serviceToken(service: 'billing' | 'wallet', scopes: string[]): Promise<string> {
  const response = await fetch(new URL('/internal/service-token', p.urls.identity), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${p.serviceSecrets[service]}` },
    body: JSON.stringify({ service, scopes }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

describe('overdue bills suspend the organisation through the real tenancy', () => {
  test('13 days unpaid: still ACTIVE; 14 days: SUSPENDED once; a paid bill never suspends', { timeout: 120_000 }, async () => {
    const late = (await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider)).id as string;
    const paid = (await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider)).id as string;
    const lateBill = await insertBill(late, 'UNPAID', '2026-12-01T00:00:00Z');
    const paidBill = await insertBill(paid, 'PAID', '2026-12-01T00:00:00Z');

    now = new Date('2026-12-14T23:00:00Z');
    expect(await p.billing.suspendOverdue()).toBe(0);
    expect(await statusOf(late)).toBe('ACTIVE');
    expect(await suspendedAt(lateBill)).toBeNull();

    now = new Date('2026-12-15T00:00:00Z');
    expect(await p.billing.suspendOverdue()).toBe(1);
    expect(await statusOf(late)).toBe('SUSPENDED');
    expect(await statusOf(paid)).toBe('ACTIVE');
    expect(await suspendedAt(lateBill)).toEqual(new Date('2026-12-15T00:00:00Z'));
    expect(await suspendedAt(paidBill)).toBeNull();
    const events = await tenancyEvents(late);
    expect(events).toEqual([
      {
        organizationId: late,
        name: expect.any(String),
        status: 'SUSPENDED',
        reason: `Invoice INV-${String(invoice - 1).padStart(6, '0')} unpaid for 14 days or more`,
      },
    ]);

    // Once per bill: later passes ask tenancy nothing more.
    now = new Date('2026-12-30T00:00:00Z');
    expect(await p.billing.suspendOverdue()).toBe(0);
    expect(await tenancyEvents(late)).toHaveLength(1);
    expect(await tenancyEvents(paid)).toEqual([]);
  });

  test('internalSuspendOrganization: only with tenancy:write, never the provider, idempotent, not through the gateway', { timeout: 120_000 }, async () => {
    const SUSPEND = 'mutation($id: ID!) { internalSuspendOrganization(organizationId: $id, reason: "test") }';
    const target = (await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider)).id as string;
    expectError(await gql(p.urls.tenancy, SUSPEND, { id: target }, { token: provider }), 'FORBIDDEN');
    expectError(await gql(p.urls.tenancy, SUSPEND, { id: target }, { token: await serviceToken('wallet', ['tenancy:read']) }), 'FORBIDDEN');
    expect((await p.gateway(SUSPEND, { id: target }, provider)).errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await statusOf(target)).toBe('ACTIVE');

    const billing = await serviceToken('billing', ['tenancy:write']);
    expectError(await gql(p.urls.tenancy, SUSPEND, { id: DEMO_ORGS.provider }, { token: billing }), 'BAD_USER_INPUT', 'organizationId');
    expectError(await gql(p.urls.tenancy, SUSPEND, { id: 'not-an-id' }, { token: billing }), 'BAD_USER_INPUT', 'organizationId');
    expect(ok(await gql(p.urls.tenancy, SUSPEND, { id: target }, { token: billing }))).toEqual({ internalSuspendOrganization: true });
    expect(ok(await gql(p.urls.tenancy, SUSPEND, { id: target }, { token: billing }))).toEqual({ internalSuspendOrganization: false });
    expect(await statusOf(target)).toBe('SUSPENDED');
    expect(await tenancyEvents(target)).toHaveLength(1);
  });

  test("internalResumeOrganization lifts only a service suspension: a person's stands; only with tenancy:write", { timeout: 120_000 }, async () => {
    const SUSPEND = 'mutation($id: ID!) { internalSuspendOrganization(organizationId: $id, reason: "overdue") }';
    const RESUME = 'mutation($id: ID!) { internalResumeOrganization(organizationId: $id, reason: "paid") }';
    const SET_STATUS = 'mutation($id: ID!, $s: OrganizationStatus!) { updateOrganization(id: $id, input: { status: $s }) { status } }';
    const billing = await serviceToken('billing', ['tenancy:write']);
    const byBilling = (await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider)).id as string;
    const byPerson = (await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider)).id as string;

    expectError(await gql(p.urls.tenancy, RESUME, { id: byBilling }, { token: await serviceToken('wallet', ['tenancy:read']) }), 'FORBIDDEN');
    expect(ok(await gql(p.urls.tenancy, RESUME, { id: byBilling }, { token: billing }))).toEqual({ internalResumeOrganization: false }); // active
    expect(ok(await gql(p.urls.tenancy, SUSPEND, { id: byBilling }, { token: billing }))).toEqual({ internalSuspendOrganization: true });
    expect(ok(await gql(p.urls.tenancy, RESUME, { id: byBilling }, { token: billing }))).toEqual({ internalResumeOrganization: true });
    expect(ok(await gql(p.urls.tenancy, RESUME, { id: byBilling }, { token: billing }))).toEqual({ internalResumeOrganization: false });
    expect(await statusOf(byBilling)).toBe('ACTIVE');
    expect((await tenancyEvents(byBilling)).map((e) => [e['status'], e['reason']])).toEqual([
      ['SUSPENDED', 'overdue'],
      ['ACTIVE', 'paid'],
    ]);

    // Suspended by billing, then by a person too: the person's decision stands when billing lifts its own.
    expect(ok(await gql(p.urls.tenancy, SUSPEND, { id: byPerson }, { token: billing }))).toEqual({ internalSuspendOrganization: true });
    expect(ok(await p.gateway(SET_STATUS, { id: byPerson, s: 'SUSPENDED' }, provider))).toEqual({ updateOrganization: { status: 'SUSPENDED' } });
    expect(ok(await gql(p.urls.tenancy, RESUME, { id: byPerson }, { token: billing }))).toEqual({ internalResumeOrganization: false });
    expect(await statusOf(byPerson)).toBe('SUSPENDED');
  });

  test(
    'suspended for an overdue bill, the customer tops up through the payment provider: the bill is paid from the wallet and the suspension lifted',
    { timeout: 120_000 },
    async () => {
      const org = (await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider)).id as string;
      const billId = await insertBill(org, 'UNPAID', '2026-12-01T00:00:00Z'); // R 115.00, an empty wallet
      now = new Date('2026-12-16T00:00:00Z');
      await p.billing.suspendOverdue();
      expect(await statusOf(org)).toBe('SUSPENDED');
      expect(await suspendedAt(billId)).toEqual(new Date('2026-12-16T00:00:00Z'));

      // Suspended, it may still pay in; the simulated provider completes the checkout by itself (its webhook is
      // signed with the wall clock, which billing's clock must be within 5 minutes of).
      const paidAt = new Date();
      now = paidAt;
      const CREATE = 'mutation($i: CreateTopUpInput!) { createTopUp(input: $i) { id status } }';
      const created = ok(await p.gateway<{ createTopUp: { id: string; status: string } }>(CREATE, { i: { organizationId: org, amount: '200.00' } }, provider));
      expect(created.createTopUp.status).toBe('PENDING');

      // The credit lands, the bill is settled from it, and tenancy resumes the organisation.
      await until(async () => ((await statusOf(org)) === 'ACTIVE' ? true : undefined), 30_000);
      const bill = (
        await sql<{ status: string; suspension_lifted_at: Date | null }>`select status, suspension_lifted_at from bills where id = ${billId}`.execute(
          p.billing.db,
        )
      ).rows[0]!;
      expect(bill).toEqual({ status: 'PAID', suspension_lifted_at: paidAt });
      const WALLET = 'query($id: ID!) { organization(id: $id) { wallet { balance { amount } } } }';
      const wallet = ok(await p.gateway<{ organization: { wallet: { balance: { amount: string } } } }>(WALLET, { id: org }, provider));
      expect(wallet.organization.wallet.balance.amount).toBe('85.00'); // 200.00 in, 115.00 for the bill
      expect((await tenancyEvents(org)).map((e) => e['status'])).toEqual(['SUSPENDED', 'ACTIVE']);
    },
  );
});
