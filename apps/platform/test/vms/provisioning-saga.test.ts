import { codesOf, until } from '@platform/testkit';
import { scriptedCompute } from '@platform/vms/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { cents, expectLedgerConsistent, PROVISION, VM_STATUS, walletOf } from '../support/provisioning.ts';

const compute = scriptedCompute(30);
let p: TestPlatform;
let provider: string;
let protea: string;
let baobab: string;
let gp2c8g: { id: string; monthly: bigint };

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: compute.provider } } });
  [provider, protea, baobab] = await Promise.all([p.login('ops@highveld.example'), p.login('admin@protea.example'), p.login('admin@baobab.example')]);
  const r = await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { id price { monthly { amount } } } }', {}, protea);
  gp2c8g = { id: r.data.productBySku.id, monthly: cents(r.data.productBySku.price.monthly.amount) };
});
afterAll(() => p?.close());

const vmStatus = async (id: string, token: string) => (await p.gateway(VM_STATUS, { id }, token)).data.virtualMachine;
const untilStatus = (id: string, token: string, status: string) =>
  until(async () => {
    const vm = await vmStatus(id, token);
    return vm.status === status ? vm : undefined;
  });
const countVmsNamed = async (name: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from virtual_machines where name = ${name}`.execute(p.vms.db)).rows[0]!.n);
const countSagas = async () => Number((await sql<{ n: string }>`select count(*) as n from provision_sagas`.execute(p.vms.db)).rows[0]!.n);

test('the same idempotency key sent concurrently: one VM, built once, one hold, released once the VM is RUNNING (nothing taken upfront)', async () => {
  const before = await walletOf(p, provider, DEMO_ORGS.protea);
  const input = { organizationId: DEMO_ORGS.protea, name: 'web-concurrent-01', productId: gp2c8g.id, guestOs: 'UBUNTU_64', idempotencyKey: 'concurrent-1' };
  const results = await Promise.all(Array.from({ length: 8 }, () => p.gateway(PROVISION, { input }, protea)));
  for (const r of results) expect(r.errors).toBeUndefined();
  const ids = new Set(results.map((r) => r.data.provisionVirtualMachine.id));
  expect(ids.size).toBe(1);
  const vm = results[0]!.data.provisionVirtualMachine;
  expect(vm).toMatchObject({
    name: 'web-concurrent-01',
    organization: { id: DEMO_ORGS.protea },
    product: { id: gp2c8g.id },
    spec: { vcpu: 2, memoryMib: 8192, diskGib: 100, storageTier: 'STANDARD' },
  });
  expect(await countVmsNamed('web-concurrent-01')).toBe(1);

  const running = await untilStatus(vm.id, protea, 'RUNNING');
  expect(running.powerState).toBe('POWERED_ON');
  expect(running.ipAddress).toMatch(/^10\./);
  expect(running.events.edges.map((e: { node: { kind: string } }) => e.node.kind)).toEqual(['PROVISIONED', 'PROVISION_REQUESTED']);

  const after = await walletOf(p, provider, DEMO_ORGS.protea);
  const holds = after.holds.filter((h) => h.reference === `vm:${vm.id}`);
  expect(holds).toHaveLength(1);
  // A month of the VM (R794.00) had to be available; the money is taken by the monthly bill, not here.
  expect(holds[0]).toMatchObject({ status: 'RELEASED', amount: { amount: '794.00' } });
  expect(after.available).toBe(before.available);

  // A retry after the fact (the client lost the response) gets the same VM, and nothing moves.
  const replay = await p.gateway(PROVISION, { input }, protea);
  expect(replay.data.provisionVirtualMachine).toMatchObject({ id: vm.id, status: 'RUNNING' });
  expect((await walletOf(p, provider, DEMO_ORGS.protea)).available).toBe(after.available);
  // Eight concurrent drivers and a replay, one VM: the compute provider was asked to build it exactly once.
  expect(compute.builds.filter((b) => b === vm.id)).toEqual([vm.id]);
  await expectLedgerConsistent(p);
});

test('the same key with a different request is a CONFLICT, and nothing new is written', async () => {
  const input = { organizationId: DEMO_ORGS.protea, name: 'api-conflict-01', productId: gp2c8g.id, guestOs: 'UBUNTU_64', idempotencyKey: 'conflict-1' };
  const first = await p.gateway(PROVISION, { input }, protea);
  expect(first.errors).toBeUndefined();
  const sagas = await countSagas();
  const second = await p.gateway(PROVISION, { input: { ...input, name: 'api-conflict-02' } }, protea);
  expect(codesOf(second)).toEqual(['CONFLICT']);
  expect(second.errors![0]!.extensions?.['field']).toBe('input.idempotencyKey');
  expect(await countSagas()).toBe(sagas);
  expect(await countVmsNamed('api-conflict-02')).toBe(0);
  await untilStatus(first.data.provisionVirtualMachine.id, protea, 'RUNNING');
});

test('insufficient funds: INSUFFICIENT_FUNDS passes through, no VM, nothing held', async () => {
  const before = await walletOf(p, provider, DEMO_ORGS.baobab);
  const summaryBefore = (await p.gateway(`query($id: ID!) { organization(id: $id) { resourceSummary { vmCount } } }`, { id: DEMO_ORGS.baobab }, baobab)).data;
  // 64 × R155 + 512 × R38 + 100 blocks × R275 = R56,876 a month, more than the R25,000 in the wallet.
  const input = {
    organizationId: DEMO_ORGS.baobab,
    name: 'huge-analytics-01',
    spec: { vcpu: 64, memoryGib: 512, diskGib: 10_000, storageTier: 'PREMIUM' },
    guestOs: 'RHEL_9_64',
    idempotencyKey: 'too-big-1',
  };
  const results = await Promise.all([p.gateway(PROVISION, { input }, baobab), p.gateway(PROVISION, { input }, baobab)]);
  for (const r of results) {
    expect(codesOf(r)).toEqual(['INSUFFICIENT_FUNDS']);
    expect(r.errors![0]!.message).toMatch(/56876\.00 is needed/);
  }
  expect(await countVmsNamed('huge-analytics-01')).toBe(0);
  const after = await walletOf(p, provider, DEMO_ORGS.baobab);
  expect(after.available).toBe(before.available);
  expect(after.holds.filter((h) => h.status === 'PENDING')).toEqual([]);
  expect(after.holds.length).toBe(before.holds.length);
  const summaryAfter = (await p.gateway(`query($id: ID!) { organization(id: $id) { resourceSummary { vmCount } } }`, { id: DEMO_ORGS.baobab }, baobab)).data;
  expect(summaryAfter).toEqual(summaryBefore);
  await expectLedgerConsistent(p);
});

test('a build failure: the VM turns ERROR and the hold is released, the funds back', async () => {
  const before = await walletOf(p, provider, DEMO_ORGS.protea);
  const input = { organizationId: DEMO_ORGS.protea, name: 'db-fail-01', productId: gp2c8g.id, guestOs: 'DEBIAN_12_64', idempotencyKey: 'fail-1' };
  const r = await p.gateway(PROVISION, { input }, protea);
  expect(r.errors).toBeUndefined();
  expect(r.data.provisionVirtualMachine.status).toBe('PROVISIONING');
  const id = r.data.provisionVirtualMachine.id;
  const failed = await untilStatus(id, protea, 'ERROR');
  expect(failed.statusReason).toMatch(/capacity/);
  expect(failed.events.edges.map((e: { node: { kind: string } }) => e.node.kind)).toEqual(['PROVISION_FAILED', 'PROVISION_REQUESTED']);
  const after = await until(async () => {
    const w = await walletOf(p, provider, DEMO_ORGS.protea);
    return w.holds.find((h) => h.reference === `vm:${id}`)?.status === 'RELEASED' ? w : undefined;
  });
  expect(after.holds.filter((h) => h.reference === `vm:${id}`)).toHaveLength(1);
  expect(after.available).toBe(before.available);
  await expectLedgerConsistent(p);
});

test('bad input is refused before anything is written, naming the field; roles and tenancy apply', async () => {
  const cpu = (await p.gateway('{ productBySku(sku: "CPU-STD-VCPU") { id } }', {}, protea)).data.productBySku.id;
  const base = { organizationId: DEMO_ORGS.protea, name: 'ok-name', productId: gp2c8g.id, guestOs: 'UBUNTU_64', idempotencyKey: 'bad-input' };
  const sagas = await countSagas();
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'Bad_Name' }, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(64) }, 'name'],
    [{ name: 'ends-with-' }, 'name'],
    [{ productId: null, spec: { vcpu: 0, memoryGib: 4, diskGib: 40 } }, 'spec.vcpu'],
    [{ productId: null, spec: { vcpu: 2, memoryGib: 600, diskGib: 40 } }, 'spec.memoryGib'],
    [{ productId: null, spec: { vcpu: 2, memoryGib: 4, diskGib: 10 } }, 'spec.diskGib'],
    [{ spec: { vcpu: 2, memoryGib: 4, diskGib: 40 } }, 'spec'],
    [{ productId: null }, 'productId'],
    [{ productId: 'not-a-uuid' }, 'productId'],
    [{ productId: '01935c00-0000-7000-8000-00000000dead' }, 'productId'],
    [{ productId: cpu }, 'productId'],
    [{ guestOs: 'ubuntu' }, 'guestOs'],
    [{ idempotencyKey: 'has space' }, 'idempotencyKey'],
    [{ organizationId: 'nope' }, 'organizationId'],
  ];
  for (const [patch, field] of cases) {
    const r = await p.gateway(PROVISION, { input: { ...base, idempotencyKey: `bad-${field}-${Math.random()}`, ...patch } }, protea);
    expect(codesOf(r), JSON.stringify(patch)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions?.['field'], JSON.stringify(patch)).toBe(`input.${field}`);
  }
  expect(codesOf(await p.gateway(PROVISION, { input: base }, await p.login('viewer@protea.example')))).toEqual(['FORBIDDEN']);
  expect(codesOf(await p.gateway(PROVISION, { input: { ...base, organizationId: DEMO_ORGS.baobab } }, protea))).toEqual(['NOT_FOUND']);
  expect(codesOf(await p.gateway(PROVISION, { input: base }))).toEqual(['UNAUTHENTICATED']);
  expect(await countSagas()).toBe(sagas);
  expect(await countVmsNamed('ok-name')).toBe(0);
});
