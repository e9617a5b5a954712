import { until } from '@platform/testkit';
import { scriptedCompute } from '@platform/vms/testing';
import { Client as UrqlClient, subscriptionExchange } from '@urql/core';
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

test('another customer cannot subscribe to this organisation or VM (NOT_FOUND naming the field), and its own subscription never sees these events', async () => {
  const { client } = wsClient(p.gatewayUrl, fynbos);
  const foreignOrg = collect(client, STATUS_CHANGED, { org: DEMO_ORGS.baobab });
  await foreignOrg.waitFor(1);
  expect(foreignOrg.results.map((r) => r.errors?.map((e) => [e.extensions?.code, e.message]))).toEqual([
    [['NOT_FOUND', 'organizationId: no organisation you can see has this id.']],
  ]);
  const foreignVm = collect(client, 'subscription($id: ID!) { virtualMachineMetrics(id: $id) { at cpuPercent } }', { id: vm.id });
  await foreignVm.waitFor(1);
  expect(foreignVm.results.map((r) => r.errors?.map((e) => [e.extensions?.code, e.message]))).toEqual([
    [['NOT_FOUND', 'id: no virtual machine you can see has this id.']],
  ]);
  const malformed = collect(client, STATUS_CHANGED, { org: 'not-a-uuid' });
  await malformed.waitFor(1);
  expect(malformed.results[0]!.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', 'organizationId: must be a UUID.']]);

  // Fynbos watches its own organisation; the reseller above Baobab watches its subtree, and only its own (SELF) too.
  const own = collect(client, STATUS_CHANGED, { org: DEMO_ORGS.fynbos });
  const reseller = wsClient(p.gatewayUrl, karoo);
  const subtree = collect(reseller.client, STATUS_CHANGED, { org: DEMO_ORGS.karoo, scope: 'SUBTREE' });
  const self = collect(reseller.client, STATUS_CHANGED, { org: DEMO_ORGS.karoo, scope: 'SELF' });
  await new Promise((r) => setTimeout(r, 300));
  const on = await p.gateway('mutation($id: ID!) { powerOnVirtualMachine(id: $id) { status } }', { id: vm.id }, baobab);
  expect(on.errors).toBeUndefined();
  await subtree.waitFor(1);
  expect(subtree.results[0]!.data).toMatchObject({ virtualMachineStatusChanged: { fromStatus: 'STOPPED', toStatus: 'RUNNING', vm: { id: vm.id } } });
  await new Promise((r) => setTimeout(r, 500));
  expect(own.results).toEqual([]);
  expect(self.results).toEqual([]);
  await Promise.all([client.dispose(), reseller.client.dispose()]);
});

test('urql (a mainstream client) subscribes through the gateway with its graphql-ws subscription exchange', async () => {
  const { client: ws } = wsClient(p.gatewayUrl, baobab);
  const urql = new UrqlClient({
    url: p.gatewayUrl,
    exchanges: [
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  const received: unknown[] = [];
  const { unsubscribe } = urql
    .subscription(STATUS_CHANGED, { org: DEMO_ORGS.baobab })
    .subscribe((result) => received.push(result.error ? { error: result.error.message } : result.data));
  await new Promise((r) => setTimeout(r, 300));
  expect((await p.gateway('mutation($id: ID!) { restartVirtualMachine(id: $id) { status } }', { id: vm.id }, baobab)).errors).toBeUndefined();
  await until(async () => (received.length > 0 ? true : undefined), 2_000);
  expect(received[0]).toMatchObject({
    virtualMachineStatusChanged: {
      fromStatus: 'RUNNING',
      toStatus: 'RUNNING',
      vm: { id: vm.id, product: { name: vm.product.name }, organization: { name: 'Baobab Health' } },
    },
  });
  unsubscribe();
  await ws.dispose();
});

test('virtualMachineMetrics delivers each sample telemetry ingest hands to the live SampleListener, only to callers who may see the VM', async () => {
  const { client } = wsClient(p.gatewayUrl, baobab);
  const metrics = collect(client, 'subscription($id: ID!) { virtualMachineMetrics(id: $id) { vmId at cpuPercent memoryPercent diskReadBytesPerSecond } }', {
    id: vm.id,
  });
  await until(async () => (p.vms.services.live.sampleSubscribers(vm.id) > 0 ? true : undefined), 2_000);
  const at = new Date('2026-11-29T10:00:20.000Z');
  await p.vms.liveSamples.onSamples([
    { vmId: vm.id, organizationId: DEMO_ORGS.baobab, at, values: { cpu_percent: 42.5, memory_percent: 61 } },
    { vmId: '00000000-0000-7000-8000-000000000999', organizationId: DEMO_ORGS.fynbos, at, values: { cpu_percent: 99 } },
  ]);
  await metrics.waitFor(1, 2_000);
  expect(metrics.results).toEqual([
    { data: { virtualMachineMetrics: { vmId: vm.id, at: '2026-11-29T10:00:20.000Z', cpuPercent: 42.5, memoryPercent: 61, diskReadBytesPerSecond: null } } },
  ]);
  metrics.stop();
  await client.dispose();
});

test('the vms subgraph reached directly over graphql-ws checks the same: no token closes 4401, a foreign organisation is NOT_FOUND', async () => {
  const anonymous = wsClient(p.urls.vms, undefined);
  const refused = collect(anonymous.client, STATUS_CHANGED, { org: DEMO_ORGS.baobab });
  await refused.waitFor(1);
  expect(anonymous.closes.map((c) => c.code)).toEqual([4401]);
  await anonymous.client.dispose();

  const direct = wsClient(p.urls.vms, fynbos);
  const foreign = collect(direct.client, 'subscription($org: ID!) { virtualMachineStatusChanged(organizationId: $org) { toStatus } }', {
    org: DEMO_ORGS.baobab,
  });
  await foreign.waitFor(1);
  expect(foreign.results.map((r) => r.errors?.map((e) => e.extensions?.code))).toEqual([['NOT_FOUND']]);
  await direct.client.dispose();
});
