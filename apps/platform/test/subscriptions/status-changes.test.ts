import { scriptedCompute } from '@platform/vms/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { collect, STATUS_CHANGED, wsClient } from './support.ts';

let p: TestPlatform;
let baobab: string;
let fynbos: string;
let karoo: string;
let vm: { id: string; name: string; product: { name: string } };

const VMS = `query($org: ID!) { organization(id: $org) { virtualMachines(first: 50) { edges { node { id name status product { name } } } } } }`;

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: scriptedCompute(30).provider } } });
  [baobab, fynbos, karoo] = await Promise.all([p.login('admin@baobab.example'), p.login('admin@fynbos.example'), p.login('admin@karoo.example')]);
  const list = await p.gateway(VMS, { org: DEMO_ORGS.baobab }, baobab);
  const running = list.data.organization.virtualMachines.edges.map((e: any) => e.node).filter((n: any) => n.status === 'RUNNING' && n.product);
  vm = running[0];
  expect(vm).toBeDefined();
}, 120_000);
afterAll(() => p?.close());

test('a customer subscribed to its status changes gets its VM powered off over HTTP within 1 s, with catalog and tenancy fields', async () => {
  const { client } = wsClient(p.gatewayUrl, baobab);
  const sub = collect(client, STATUS_CHANGED, { org: DEMO_ORGS.baobab });
  await new Promise((r) => setTimeout(r, 300)); // subscribed upstream before the change
  const started = Date.now();
  const off = await p.gateway('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: vm.id }, baobab);
  expect(off.errors).toBeUndefined();
  await sub.waitFor(1, 1_000);
  const latency = Date.now() - started;
  expect(latency).toBeLessThan(1_000);
  expect(sub.results[0]!.errors).toBeUndefined();
  expect(sub.results[0]!.data).toEqual({
    virtualMachineStatusChanged: {
      fromStatus: 'RUNNING',
      toStatus: 'STOPPED',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      vm: { id: vm.id, name: vm.name, status: 'STOPPED', product: { name: vm.product.name }, organization: { name: 'Baobab Health' } },
    },
  });
  sub.stop();
  await client.dispose();
});
