import { codesOf, gql, until } from '@platform/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

// DESIGN §4: a suspended organisation, and everything below it, can still read but cannot write or
// spend. Money goes in by provider staff (DESIGN §4), refused for a suspended one too. Each refusal is INVALID_STATE naming the suspended organisation; resuming restores it all.

let p: TestPlatform;
let provider: string;
let karoo: string;
let protea: string;
let vmId: string;

const SET_STATUS = 'mutation($id: ID!, $s: OrganizationStatus!) { updateOrganization(id: $id, input: { status: $s }) { id status } }';
const READ = `query($id: ID!) { organization(id: $id) { status wallet { balance { amount } } virtualMachines(first: 10) { edges { node { id status } } } } }`;
const PROVISION = 'mutation($i: ProvisionVirtualMachineInput!) { provisionVirtualMachine(input: $i) { id } }';
const POWER_ON = 'mutation($id: ID!) { powerOnVirtualMachine(id: $id) { id status } }';
const POWER_OFF = 'mutation($id: ID!) { powerOffVirtualMachine(id: $id) { id status } }';
const RESIZE = 'mutation($id: ID!) { resizeVirtualMachine(id: $id, spec: { vcpu: 2, memoryGib: 2, diskGib: 40 }) { id } }';
const CREATE_QUOTE =
  'mutation($o: ID!) { createQuote(organizationId: $o, lines: [{ spec: { vcpu: 1, memoryGib: 1, diskGib: 20 }, quantity: 1, months: 1 }]) { id status } }';
const ACCEPT = 'mutation($id: ID!) { acceptQuote(id: $id) { id status } }';
const QUOTE = 'query($id: ID!) { quote(id: $id) { id status } }';
const TOP_UP = 'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { balanceAfter { amount } } }';
const HOLD = 'mutation($i: PlaceHoldInput!) { internalPlaceHold(input: $i) { id status } }';
const VM = 'query($id: ID!) { virtualMachine(id: $id) { status spec { vcpu memoryMib diskGib } } }';

const topUp = (key: string, organizationId = DEMO_ORGS.protea) => ({ i: { organizationId, amount: '100.00', paymentReference: 'EFT-1', idempotencyKey: key } });
const provision = (name: string) => ({
  i: { organizationId: DEMO_ORGS.protea, name, spec: { vcpu: 1, memoryGib: 1, diskGib: 20 }, guestOs: 'UBUNTU_64', idempotencyKey: name },
});
const count = async (db: TestPlatform['wallet']['db'], table: 'transfers' | 'holds') =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
const vmsNamed = async (name: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from virtual_machines where name = ${name}`.execute(p.vms.db)).rows[0]!.n);

async function vmsHoldToken(): Promise<string> {
  const response = await fetch(new URL('/internal/service-token', p.urls.identity), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${p.serviceSecrets.vms}` },
    body: JSON.stringify({ service: 'vms', scopes: ['wallet:hold'] }),
  });
  return ((await response.json()) as { token: string }).token;
}

const vmStatus = async (id: string) => (await p.gateway(VM, { id }, protea)).data.virtualMachine;
const untilVm = (id: string, status: string) => until(async () => ((await vmStatus(id)).status === status ? true : undefined));

/** The single error of `r`: its code, message and the suspended organisation it names. */
const refusal = (r: { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) => {
  expect(r.errors).toHaveLength(1);
  const e = r.errors![0]!;
  return { code: e.extensions?.['code'], message: e.message, suspended: e.extensions?.['suspendedOrganizationId'] };
};

beforeAll(async () => {
  p = await startTestPlatform({ vms: { env: { VMS_BUILD_DELAY_MS: '50', VMS_BUILD_FAILURE_PERCENT: '0' } } });
  [provider, karoo, protea] = await Promise.all([p.login('ops@highveld.example'), p.login('admin@karoo.example'), p.login('admin@protea.example')]);
  const made = await p.gateway(PROVISION, provision('susp-base-01'), protea);
  expect(made.errors).toBeUndefined();
  vmId = made.data.provisionVirtualMachine.id;
  await untilVm(vmId, 'RUNNING');
});
afterAll(() => p?.close());

describe('a suspended customer', () => {
  test('reads everything, and cannot provision, power on, resize, accept quotes, top up or spend; resuming restores it', async () => {
    const quote = (await p.gateway(CREATE_QUOTE, { o: DEMO_ORGS.protea }, protea)).data.createQuote;
    const before = (await p.gateway(READ, { id: DEMO_ORGS.protea }, protea)).data.organization;
    expect((await p.gateway(SET_STATUS, { id: DEMO_ORGS.protea, s: 'SUSPENDED' }, karoo)).data.updateOrganization).toEqual({
      id: DEMO_ORGS.protea,
      status: 'SUSPENDED',
    });

    // Reads keep working, at once (no stale cache), and show the status.
    const read = await p.gateway(READ, { id: DEMO_ORGS.protea }, protea);
    expect(read.errors).toBeUndefined();
    expect(read.data.organization).toEqual({ ...before, status: 'SUSPENDED' });
    expect((await p.gateway(QUOTE, { id: quote.id }, protea)).data.quote).toEqual({ id: quote.id, status: 'DRAFT' });

    // Powering off stops spending: still allowed.
    expect((await p.gateway(POWER_OFF, { id: vmId }, protea)).errors).toBeUndefined();
    await untilVm(vmId, 'STOPPED');

    const [transfers, holds] = [await count(p.wallet.db, 'transfers'), await count(p.wallet.db, 'holds')];
    const expected = {
      code: 'INVALID_STATE',
      message: `Organisation ${DEMO_ORGS.protea} is suspended: it can still read, but cannot write or spend until it is resumed.`,
      suspended: DEMO_ORGS.protea,
    };
    const hold = { i: { organizationId: DEMO_ORGS.protea, amount: '10.00', idempotencyKey: 'susp-hold-1', reference: 'vm:x' } };
    const attempts = {
      provision: await p.gateway(PROVISION, provision('susp-new-01'), protea),
      powerOn: await p.gateway(POWER_ON, { id: vmId }, protea),
      resize: await p.gateway(RESIZE, { id: vmId }, protea),
      acceptQuote: await p.gateway(ACCEPT, { id: quote.id }, protea),
      topUp: await p.gateway(TOP_UP, topUp('susp-topup-1'), provider),
      hold: await gql(p.urls.wallet, HOLD, hold, { token: await vmsHoldToken() }),
    };
    for (const [what, r] of Object.entries(attempts)) expect({ what, ...refusal(r) }).toEqual({ what, ...expected });
    // Nothing was written.
    expect(await count(p.wallet.db, 'transfers')).toBe(transfers);
    expect(await count(p.wallet.db, 'holds')).toBe(holds);
    expect(await vmsNamed('susp-new-01')).toBe(0);
    expect(await vmStatus(vmId)).toEqual({ status: 'STOPPED', spec: { vcpu: 1, memoryMib: 1024, diskGib: 20 } });
    expect((await p.gateway(QUOTE, { id: quote.id }, protea)).data.quote.status).toBe('DRAFT');

    // Resumed: everything works again.
    expect((await p.gateway(SET_STATUS, { id: DEMO_ORGS.protea, s: 'ACTIVE' }, karoo)).data.updateOrganization.status).toBe('ACTIVE');
    expect((await p.gateway(TOP_UP, topUp('susp-topup-1'), provider)).errors).toBeUndefined();
    expect((await p.gateway(ACCEPT, { id: quote.id }, protea)).data.acceptQuote).toEqual({ id: quote.id, status: 'ACCEPTED' });
    expect((await gql(p.urls.wallet, HOLD, hold, { token: await vmsHoldToken() })).data.internalPlaceHold.status).toBe('PENDING');
    expect((await p.gateway(POWER_ON, { id: vmId }, protea)).errors).toBeUndefined();
    await untilVm(vmId, 'RUNNING');
    const again = await p.gateway(PROVISION, provision('susp-new-01'), protea);
    expect(again.errors).toBeUndefined();
    expect(await vmsNamed('susp-new-01')).toBe(1);
    await untilVm(again.data.provisionVirtualMachine.id, 'RUNNING'); // its hold released: the ledger is quiet for the next test
  });
});

describe('a customer under a suspended reseller', () => {
  test('is suspended with it (the refusal names the reseller), reads on, and is restored when the reseller resumes', async () => {
    expect((await p.gateway(SET_STATUS, { id: DEMO_ORGS.karoo, s: 'SUSPENDED' }, provider)).data.updateOrganization.status).toBe('SUSPENDED');
    // The customer's own status is unchanged; the reseller's suspension covers it.
    const read = await p.gateway(READ, { id: DEMO_ORGS.protea }, protea);
    expect(read.errors).toBeUndefined();
    expect(read.data.organization.status).toBe('ACTIVE');

    const transfers = await count(p.wallet.db, 'transfers');
    const expected = {
      code: 'INVALID_STATE',
      message: `Organisation ${DEMO_ORGS.protea} is suspended because organisation ${DEMO_ORGS.karoo} above it is suspended: it can still read, but cannot write or spend until it is resumed.`,
      suspended: DEMO_ORGS.karoo,
    };
    expect(refusal(await p.gateway(PROVISION, provision('under-susp-01'), protea))).toEqual(expected);
    expect(refusal(await p.gateway(TOP_UP, topUp('under-susp-topup'), provider))).toEqual(expected);
    expect(refusal(await p.gateway(TOP_UP, topUp('under-susp-baobab', DEMO_ORGS.baobab), provider))).toMatchObject({
      code: 'INVALID_STATE',
      suspended: DEMO_ORGS.karoo,
    });
    // The reseller's own staff are refused on its customers' behalf too.
    expect(refusal(await p.gateway(PROVISION, provision('under-susp-02'), karoo))).toEqual(expected);
    expect(await count(p.wallet.db, 'transfers')).toBe(transfers);
    expect(await vmsNamed('under-susp-01')).toBe(0);
    expect(await vmsNamed('under-susp-02')).toBe(0);

    // Another reseller's customer is untouched.
    expect(codesOf(await p.gateway(TOP_UP, topUp('other-reseller', DEMO_ORGS.fynbos), provider))).toEqual([]);

    expect((await p.gateway(SET_STATUS, { id: DEMO_ORGS.karoo, s: 'ACTIVE' }, provider)).data.updateOrganization.status).toBe('ACTIVE');
    expect((await p.gateway(TOP_UP, topUp('under-susp-topup'), provider)).errors).toBeUndefined();
    expect((await p.gateway(PROVISION, provision('under-susp-01'), protea)).errors).toBeUndefined();
    expect(await vmsNamed('under-susp-01')).toBe(1);
  });
});

describe('suspending while writes are in flight', () => {
  test('each concurrent top-up either lands before the suspension or is refused by it; none after it lands; the ledger balances', async () => {
    const balance = async () => (await p.gateway(READ, { id: DEMO_ORGS.baobab }, provider)).data.organization.wallet.balance.amount as string;
    const start = await balance();
    const racing = Array.from({ length: 12 }, (_, i) => p.gateway(TOP_UP, topUp(`race-${i}`, DEMO_ORGS.baobab), provider));
    const suspended = p.gateway(SET_STATUS, { id: DEMO_ORGS.baobab, s: 'SUSPENDED' }, karoo);
    const results = await Promise.all(racing);
    expect((await suspended).data.updateOrganization.status).toBe('SUSPENDED');
    const landed = results.filter((r) => r.errors === undefined).length;
    for (const r of results) if (r.errors) expect(refusal(r)).toMatchObject({ code: 'INVALID_STATE', suspended: DEMO_ORGS.baobab });
    // Exactly the ones that answered with a balance moved money: R 100 each.
    expect(Number(await balance()) - Number(start)).toBe(100 * landed);
    const after = await Promise.all(Array.from({ length: 4 }, (_, i) => p.gateway(TOP_UP, topUp(`race-after-${i}`, DEMO_ORGS.baobab), provider)));
    for (const r of after) expect(refusal(r).code).toBe('INVALID_STATE');
    expect(Number(await balance()) - Number(start)).toBe(100 * landed);
    expect((await p.gateway(SET_STATUS, { id: DEMO_ORGS.baobab, s: 'ACTIVE' }, karoo)).data.updateOrganization.status).toBe('ACTIVE');
  });
});
