import { createLogger } from '@platform/kernel';
import { until } from '@platform/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startDemoTelemetry, type RunningSimulation } from '../../src/telemetry-simulator.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

let p: TestPlatform;
let telemetry: RunningSimulation;
let backfillMs = 0;

// As `npm start` does: the demo platform, then the simulator (live feed + first-start history).
beforeAll(async () => {
  p = await startTestPlatform();
  const started = Date.now();
  telemetry = startDemoTelemetry(p, { logger: createLogger({}, 'error') });
  await telemetry.backfilled;
  backfillMs = Date.now() - started;
}, 240_000);
afterAll(async () => {
  await telemetry?.stop();
  await p?.close();
});

const FLEET = `query($org: ID!) { organization(id: $org) { virtualMachines(first: 5, filter: { status: [RUNNING] }) { edges { node { id } } } } }`;
const VM = `query($id: ID!, $day: DateTime!, $month: DateTime!) { virtualMachine(id: $id) {
  latestSample { at cpuPercent memoryPercent diskReadBytesPerSecond networkTransmitBytesPerSecond }
  health { score status reasons }
  day: metrics(from: $day, resolution: FIVE_MINUTES) { resolution timestamps cpuPercent { avg max } }
  month: metrics(from: $month) { resolution stepSeconds timestamps memoryPercent { avg } }
} }`;

test('a customer sees its running VM: a sample under a minute old, 24 h of 5-minute points, 30 days of history, a health score', async () => {
  const token = await p.login('viewer@protea.example');
  const fleet = await p.gateway(FLEET, { org: DEMO_ORGS.protea }, token);
  expect(fleet.errors).toBeUndefined();
  const id: string = fleet.data.organization.virtualMachines.edges[0].node.id;
  const now = Date.now();
  const vars = { id, day: new Date(now - 24 * 3600_000).toISOString(), month: new Date(now - 30 * 86_400_000).toISOString() };
  // The simulator's first pass runs at once; wait for it to reach this VM.
  const r = await until(
    async () => {
      const answer = await p.gateway(VM, vars, token);
      return answer.data?.virtualMachine?.latestSample ? answer : undefined;
    },
    60_000,
    500,
  );
  expect(r.errors).toBeUndefined();
  const vm = r.data.virtualMachine;
  expect(Date.now() - Date.parse(vm.latestSample.at)).toBeLessThan(60_000);
  expect(vm.latestSample.cpuPercent).toBeGreaterThanOrEqual(0);
  expect(vm.latestSample.cpuPercent).toBeLessThanOrEqual(100);
  expect(vm.latestSample.diskReadBytesPerSecond).toBeGreaterThan(0);
  expect(vm.health.status).not.toBe('UNKNOWN');
  expect(vm.health.score).toBeGreaterThanOrEqual(0);
  // 24 h at 5 minutes: 288 buckets (289 when the window is not aligned), every one filled but perhaps the current one.
  expect(vm.day.resolution).toBe('FIVE_MINUTES');
  expect(vm.day.timestamps.length).toBeGreaterThanOrEqual(288);
  const filled = vm.day.cpuPercent.avg.filter((v: number | null) => v !== null).length;
  expect(filled).toBeGreaterThanOrEqual(vm.day.timestamps.length - 1);
  for (let i = 0; i < vm.day.cpuPercent.avg.length; i += 1) {
    if (vm.day.cpuPercent.avg[i] !== null) expect(vm.day.cpuPercent.max[i]).toBeGreaterThanOrEqual(vm.day.cpuPercent.avg[i]);
  }
  // 30 days (AUTO: hourly store, two-hour points): full.
  expect([vm.month.resolution, vm.month.stepSeconds]).toEqual(['HOUR', 7200]);
  expect(vm.month.memoryPercent.avg.filter((v: number | null) => v !== null).length).toBeGreaterThanOrEqual(vm.month.timestamps.length - 1);
  console.log(`telemetry backfill of the demo fleet: ${backfillMs} ms`);
}, 120_000);

test("another organisation's user sees none of it; the fleet page shows utilisation", async () => {
  const own = await p.login('viewer@protea.example');
  const fleet = await p.gateway(FLEET, { org: DEMO_ORGS.protea }, own);
  const id: string = fleet.data.organization.virtualMachines.edges[0].node.id;
  const other = await p.login('admin@baobab.example');
  const r = await p.gateway('query($id: ID!) { virtualMachine(id: $id) { latestSample { at } health { status } } }', { id }, other);
  expect(r.errors).toBeUndefined();
  expect(r.data.virtualMachine).toBeNull();
  const u = await p.gateway(
    'query($org: ID!) { organization(id: $org) { utilization(window: LAST_DAY) { vmsReporting cpuPercent { avg max } } } }',
    { org: DEMO_ORGS.protea },
    own,
  );
  expect(u.errors).toBeUndefined();
  expect(u.data.organization.utilization.vmsReporting).toBeGreaterThan(100);
  expect(u.data.organization.utilization.cpuPercent.max).toBeGreaterThan(u.data.organization.utilization.cpuPercent.avg);
  const foreign = await p.gateway('query($org: ID!) { organization(id: $org) { utilization { vmsReporting } } }', { org: DEMO_ORGS.protea }, other);
  expect(foreign.data?.organization?.utilization ?? null).toBeNull();
}, 120_000);
