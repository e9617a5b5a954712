import { createLogger } from '@platform/kernel';
import { encodeOtlpMetrics } from '@platform/vms';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { TelemetrySimulator } from '../../src/telemetry-simulator.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { collect, wsClient } from './support.ts';

// virtualMachineMetrics fed by the real ingest route (POST /v1/metrics with a collector token),
// and by the platform's telemetry simulator, through the gateway.
let p: TestPlatform;
let baobab: string;
let protea: string;
let vm: { id: string };

const RUNNING_VM = 'query($org: ID!) { organization(id: $org) { virtualMachines(filter: { status: [RUNNING] }, first: 1) { edges { node { id } } } } }';
const METRICS = `subscription($id: ID!) { virtualMachineMetrics(id: $id) {
  vmId at cpuPercent memoryPercent diskReadBytesPerSecond diskWriteBytesPerSecond networkReceiveBytesPerSecond networkTransmitBytesPerSecond } }`;

beforeAll(async () => {
  p = await startTestPlatform();
  [baobab, protea] = await Promise.all([p.login('admin@baobab.example'), p.login('admin@protea.example')]);
  vm = (await p.gateway(RUNNING_VM, { org: DEMO_ORGS.baobab }, baobab)).data.organization.virtualMachines.edges[0].node;
  expect(vm).toBeDefined();
}, 120_000);
afterAll(() => p?.close());

test('a sample POSTed to /v1/metrics reaches a virtualMachineMetrics subscriber through the gateway; another customer cannot subscribe', async () => {
  const { client } = wsClient(p.gatewayUrl, baobab);
  const sub = collect(client, METRICS, { id: vm.id });
  const other = wsClient(p.gatewayUrl, protea);
  const foreign = collect(other.client, METRICS, { id: vm.id });
  await foreign.waitFor(1);
  expect(foreign.results.map((r) => r.errors?.map((e) => [e.extensions?.code, e.message]))).toEqual([
    [['NOT_FOUND', 'id: no virtual machine you can see has this id.']],
  ]);
  await new Promise((r) => setTimeout(r, 300)); // subscribed upstream before the sample

  const at = new Date(Math.floor(Date.now() / 20_000) * 20_000 - 40_000);
  const response = await fetch(p.telemetryUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await p.collectorTokens()}` },
    body: JSON.stringify(encodeOtlpMetrics([{ vmRef: vm.id, at, values: { cpu_percent: 42.5, memory_percent: 61, network_receive_bytes_per_second: 1200 } }])),
  });
  expect(response.status).toBe(200);
  await sub.waitFor(1, 5_000);
  expect(sub.results).toEqual([
    {
      data: {
        virtualMachineMetrics: {
          vmId: vm.id,
          at: at.toISOString(),
          cpuPercent: 42.5,
          memoryPercent: 61,
          diskReadBytesPerSecond: null,
          diskWriteBytesPerSecond: null,
          networkReceiveBytesPerSecond: 1200,
          networkTransmitBytesPerSecond: null,
        },
      },
    },
  ]);
  await Promise.all([client.dispose(), other.client.dispose()]);
}, 120_000);

test("the platform's telemetry simulator, run with a short interval, delivers its samples to a subscriber", async () => {
  const { client } = wsClient(p.gatewayUrl, baobab);
  const sub = collect(client, METRICS, { id: vm.id });
  await new Promise((r) => setTimeout(r, 300));
  const simulator = new TelemetrySimulator({
    url: p.telemetryUrl,
    tokens: p.collectorTokens,
    vmIds: async () => [vm.id],
    logger: createLogger({}, 'error'),
    intervalMs: 250,
    slotMs: 250, // a new sample time every pass (the default 20 s grid would give one sample per 20 s)
  });
  simulator.start();
  try {
    await sub.waitFor(2, 10_000);
  } finally {
    await simulator.stop();
  }
  expect(simulator.lastFeed).toMatchObject({ vms: 1, rejected: 0 });
  const [first, second] = sub.results.map((r) => r.data!.virtualMachineMetrics as { at: string; cpuPercent: number; memoryPercent: number });
  // Each pass reports the VM at the current slot (one per pass here), with the simulator's values for it.
  expect(Date.parse(first!.at) % 250).toBe(0);
  expect(Date.parse(second!.at)).toBeGreaterThan(Date.parse(first!.at));
  expect(Math.abs(Date.parse(first!.at) - Date.now())).toBeLessThan(15_000);
  // The simulator reports all six vCenter metrics (random around the VM's profile): none is null.
  for (const sample of [first!, second!]) {
    expect(sample).toEqual({
      vmId: vm.id,
      at: sample.at,
      cpuPercent: expect.any(Number),
      memoryPercent: expect.any(Number),
      diskReadBytesPerSecond: expect.any(Number),
      diskWriteBytesPerSecond: expect.any(Number),
      networkReceiveBytesPerSecond: expect.any(Number),
      networkTransmitBytesPerSecond: expect.any(Number),
    });
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sample.cpuPercent).toBeLessThanOrEqual(100);
    expect(sample.memoryPercent).toBeGreaterThanOrEqual(0);
    expect(sample.memoryPercent).toBeLessThanOrEqual(100);
  }
  await client.dispose();
}, 120_000);
