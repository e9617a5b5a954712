import { codesOf, until } from '@platform/testkit';
import { scriptedCompute } from '@platform/vms/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { expectLedgerConsistent, PROVISION, VM_STATUS, walletOf } from '../support/provisioning.ts';

const compute = scriptedCompute(30);
let p: TestPlatform;
let provider: string;
let baobab: string;

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: compute.provider } } });
  [provider, baobab] = await Promise.all([p.login('ops@highveld.example'), p.login('admin@baobab.example')]);
});
afterAll(() => p?.close());

const RESIZE =
  'mutation($id: ID!, $spec: VirtualMachineSpecInput!, $key: String) { resizeVirtualMachine(id: $id, spec: $spec, idempotencyKey: $key) { id status spec { vcpu memoryMib diskGib } } }';

test('resize through the gateway: priced by catalog, the monthly difference held on the wallet as a funds check and released; too big is INSUFFICIENT_FUNDS', async () => {
  // 1 vCPU (R155) + 1 GiB (R38) + one 100 GB block (R180) = R373.00 a month.
  const provisioned = await p.gateway(
    PROVISION,
    {
      input: {
        organizationId: DEMO_ORGS.baobab,
        name: 'resize-me-01',
        spec: { vcpu: 1, memoryGib: 1, diskGib: 20 },
        guestOs: 'UBUNTU_64',
        idempotencyKey: 'resize-me-01',
      },
    },
    baobab,
  );
  expect(provisioned.errors).toBeUndefined();
  const id = provisioned.data.provisionVirtualMachine.id;
  await until(async () => ((await p.gateway(VM_STATUS, { id }, baobab)).data.virtualMachine.status === 'RUNNING' ? true : undefined));
  expect((await p.gateway('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id }, baobab)).errors).toBeUndefined();
  const before = await walletOf(p, provider, DEMO_ORGS.baobab);

  // 64 × R155 + 512 × R38 + 100 blocks × R180 = R47,376 a month: R47,003.00 more than now, more than the wallet holds.
  const huge = await p.gateway(RESIZE, { id, spec: { vcpu: 64, memoryGib: 512, diskGib: 10_000 } }, baobab);
  expect(codesOf(huge)).toEqual(['INSUFFICIENT_FUNDS']);
  expect(huge.errors![0]!.message).toMatch(/47003\.00 is needed/);
  const vm = (await p.gateway('query($id: ID!) { virtualMachine(id: $id) { spec { vcpu memoryMib diskGib } } }', { id }, baobab)).data.virtualMachine;
  expect(vm.spec).toEqual({ vcpu: 1, memoryMib: 1024, diskGib: 20 });
  expect((await walletOf(p, provider, DEMO_ORGS.baobab)).available).toBe(before.available);

  // 2 vCPU + 4 GiB + one block = R642.00: R269.00 more a month must be available; held, then released (the bill charges usage).
  const grown = await p.gateway(RESIZE, { id, spec: { vcpu: 2, memoryGib: 4, diskGib: 100 }, key: 'grow-once' }, baobab);
  expect(grown.errors).toBeUndefined();
  expect(grown.data.resizeVirtualMachine).toEqual({ id, status: 'STOPPED', spec: { vcpu: 2, memoryMib: 4096, diskGib: 100 } });
  const again = await p.gateway(RESIZE, { id, spec: { vcpu: 2, memoryGib: 4, diskGib: 100 }, key: 'grow-once' }, baobab);
  expect(again.data).toEqual(grown.data);
  const after = await walletOf(p, provider, DEMO_ORGS.baobab);
  expect(after.available).toBe(before.available);
  const resizeHolds = after.holds.filter((h) => h.reference === `vm:${id}` && h.description?.startsWith('Resize'));
  expect(resizeHolds).toEqual([
    { status: 'RELEASED', reference: `vm:${id}`, description: 'Resize of VM resize-me-01: the monthly difference', amount: { amount: '269.00' } },
  ]);
  await expectLedgerConsistent(p);
}, 60_000);
