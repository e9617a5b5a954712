import { encodeOtlpMetrics, type OutgoingSample } from '@platform/vms';
import { until } from '@platform/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { collect, wsClient } from './support.ts';

let p: TestPlatform;
let baobab: string;
let protea: string;
let karoo: string;
let vm: { id: string; name: string };

const RUNNING_VM = 'query($org: ID!) { organization(id: $org) { virtualMachines(filter: { status: [RUNNING] }, first: 1) { edges { node { id name } } } } }';
const ALERT_EVENTS = `subscription($org: ID!, $scope: OrganizationScope, $after: String) {
  alertEvents(organizationId: $org, scope: $scope, after: $after) {
    cursor fromStatus toStatus at
    alert { id status title virtualMachine { id name organization { name } } }
  }
}`;

type AlertEventData = {
  alertEvents: { cursor: string; fromStatus: string | null; toStatus: string; at: string; alert: { id: string; status: string; title: string } };
};

/** POSTs samples of the VM to the real `/v1/metrics` route, as a collector does. */
async function ingest(samples: { at: number; cpu: number; memory: number }[]): Promise<void> {
  const body = encodeOtlpMetrics(
    samples.map((s): OutgoingSample => ({ vmRef: vm.id, at: new Date(s.at), values: { cpu_percent: s.cpu, memory_percent: s.memory } })),
  );
  const response = await fetch(p.telemetryUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await p.collectorTokens()}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({});
}

const seconds = (start: number, from: number, to: number) => Array.from({ length: (to - from) / 20 + 1 }, (_, i) => start + (from + i * 20) * 1000);
const brief = (r: { data?: unknown; errors?: unknown }) => {
  expect(r.errors).toBeUndefined();
  const e = (r.data as AlertEventData).alertEvents;
  return [e.alert.title, e.fromStatus, e.toStatus];
};

beforeAll(async () => {
  p = await startTestPlatform();
  [baobab, protea, karoo] = await Promise.all([p.login('admin@baobab.example'), p.login('admin@protea.example'), p.login('admin@karoo.example')]);
  vm = (await p.gateway(RUNNING_VM, { org: DEMO_ORGS.baobab }, baobab)).data.organization.virtualMachines.edges[0].node;
  expect(vm).toBeDefined();
}, 120_000);
afterAll(() => p?.close());

test('an alert raised by samples POSTed to /v1/metrics arrives live; after a disconnect, `after` replays exactly the missed transitions then goes live; another customer never sees them', async () => {
  const start = Date.now() - 700_000;
  const first = wsClient(p.gatewayUrl, baobab);
  const live = collect(first.client, ALERT_EVENTS, { org: DEMO_ORGS.baobab });
  const other = wsClient(p.gatewayUrl, protea);
  const foreign = collect(other.client, ALERT_EVENTS, { org: DEMO_ORGS.baobab });
  const own = collect(other.client, ALERT_EVENTS, { org: DEMO_ORGS.protea, scope: 'SUBTREE' });
  // The reseller above Baobab: its SUBTREE subscription sees Baobab's alerts, its SELF one does not.
  const reseller = wsClient(p.gatewayUrl, karoo);
  const subtree = collect(reseller.client, ALERT_EVENTS, { org: DEMO_ORGS.karoo, scope: 'SUBTREE' });
  const resellerSelf = collect(reseller.client, ALERT_EVENTS, { org: DEMO_ORGS.karoo });
  await foreign.waitFor(1);
  expect(foreign.results.map((r) => r.errors?.map((e) => [e.extensions?.code, e.message]))).toEqual([
    [['NOT_FOUND', 'organizationId: no organisation you can see has this id.']],
  ]);
  await new Promise((r) => setTimeout(r, 300)); // subscribed upstream before the samples

  // CPU 97 % for 5 minutes: the default rule (CPU > 90 % for 5 min) goes PENDING, then FIRING.
  await ingest(seconds(start, 0, 300).map((at) => ({ at, cpu: 97, memory: 40 })));
  await live.waitFor(2, 10_000);
  expect(live.results.map(brief)).toEqual([
    ['CPU > 90 % for 5 min', null, 'PENDING'],
    ['CPU > 90 % for 5 min', 'PENDING', 'FIRING'],
  ]);
  await subtree.waitFor(2, 10_000);
  expect(subtree.results.map(brief)).toEqual(live.results.map(brief));
  expect(resellerSelf.results).toEqual([]);
  const firing = (live.results[1]!.data as AlertEventData).alertEvents;
  expect(firing).toMatchObject({
    at: new Date(start + 300_000).toISOString(),
    alert: { status: 'FIRING', virtualMachine: { id: vm.id, name: vm.name, organization: { name: 'Baobab Health' } } },
  });
  expect(BigInt(firing.cursor)).toBeGreaterThan(BigInt((live.results[0]!.data as AlertEventData).alertEvents.cursor));
  const cursor = firing.cursor;

  // Disconnected: acknowledged over HTTP, then CPU back to 10 % for 5 minutes resolves it.
  live.stop();
  await first.client.dispose();
  const ack = await p.gateway('mutation($id: ID!) { acknowledgeAlert(id: $id) { status } }', { id: firing.alert.id }, baobab);
  expect(ack.data).toEqual({ acknowledgeAlert: { status: 'ACKNOWLEDGED' } });
  await ingest(seconds(start, 320, 640).map((at) => ({ at, cpu: 10, memory: 40 })));
  await until(async () => ((await p.vms.alerting.alerts.listAfter([DEMO_ORGS.baobab], cursor, 10)).length === 2 ? true : undefined), 10_000);

  // Resubscribed after the last cursor: exactly the two missed, then live (memory 99 % raises a new alert).
  const second = wsClient(p.gatewayUrl, baobab);
  const resumed = collect(second.client, ALERT_EVENTS, { org: DEMO_ORGS.baobab, after: cursor });
  await resumed.waitFor(2, 10_000);
  await ingest([{ at: start + 660_000, cpu: 10, memory: 99 }]);
  await resumed.waitFor(3, 10_000);
  await new Promise((r) => setTimeout(r, 500)); // nothing more (no duplicate) arrives
  expect(resumed.results.map(brief)).toEqual([
    ['CPU > 90 % for 5 min', 'FIRING', 'ACKNOWLEDGED'],
    ['CPU > 90 % for 5 min', 'ACKNOWLEDGED', 'RESOLVED'],
    ['Memory > 95 % for 5 min', null, 'PENDING'],
  ]);
  const cursors = resumed.results.map((r) => BigInt((r.data as AlertEventData).alertEvents.cursor));
  expect(cursors[0]).toBeGreaterThan(BigInt(cursor));
  expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);

  // Another customer, subscribed all along to its own subtree, received none of it.
  expect(own.results).toEqual([]);
  resumed.stop();
  await Promise.all([second.client.dispose(), other.client.dispose(), reseller.client.dispose()]);
}, 120_000);

test('a cursor this API did not issue is BAD_USER_INPUT naming `after`, and the subscription starts nothing', async () => {
  const { client } = wsClient(p.gatewayUrl, baobab);
  for (const after of ['abc', '-1', '1.5', '99999999999999999999', '9223372036854775000']) {
    const sub = collect(client, ALERT_EVENTS, { org: DEMO_ORGS.baobab, after });
    await sub.waitFor(1);
    expect(sub.results.map((r) => r.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.message.startsWith('after: ')]))).toEqual([
      [['BAD_USER_INPUT', 'after', true]],
    ]);
    expect(JSON.stringify(sub.results)).not.toMatch(/select|stack|at .*\.ts/i);
  }
  expect(p.vms.liveSubscriptions()).toBe(0);
  await client.dispose();
}, 120_000);
