import { scriptedCompute } from '@platform/vms/testing';
import { createClient } from 'graphql-ws';
import { until } from '@platform/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { createKey } from '../api-keys/support.ts';
import { collect, STATUS_CHANGED, wsClient, wsUrlOf } from './support.ts';

// Issue 13 over graphql-ws: partners subscribe with their API key in connectionParams (as the bearer
// value or as x-api-key), and every subscription start counts against the key's rate limit.
let p: TestPlatform;
let baobab: string;
let vm: { id: string; name: string; product: { name: string } };

const VMS = `query($org: ID!) { organization(id: $org) { virtualMachines(first: 50) { edges { node { id name status product { name } } } } } }`;

/** A stock graphql-ws client sending the key as `connectionParams['x-api-key']`. */
function keyClient(key: string) {
  const closes: number[] = [];
  const client = createClient({
    url: wsUrlOf(p.gatewayUrl),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': key },
    retryAttempts: 0,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  return { client, closes };
}

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: scriptedCompute(30).provider } } });
  baobab = await p.login('admin@baobab.example');
  const list = await p.gateway(VMS, { org: DEMO_ORGS.baobab }, baobab);
  vm = list.data.organization.virtualMachines.edges.map((e: any) => e.node).find((n: any) => n.status === 'RUNNING' && n.product);
  expect(vm).toBeDefined();
}, 120_000);
afterAll(() => p?.close());

test('an API key in connectionParams (bearer value or x-api-key) subscribes through the gateway and receives its organisation events; a bad key is closed 4401', async () => {
  const key = await createKey(p, baobab, { organizationId: DEMO_ORGS.baobab, scopes: ['VMS_READ', 'ORGANIZATIONS_READ'] });
  expect(key.secret).toMatch(/^cdp_live_/);
  const bearer = wsClient(p.gatewayUrl, key.secret); // connectionParams.authorization = `Bearer cdp_live_…`
  const header = keyClient(key.secret);
  const viaBearer = collect(bearer.client, STATUS_CHANGED, { org: DEMO_ORGS.baobab });
  const viaHeader = collect(header.client, STATUS_CHANGED, { org: DEMO_ORGS.baobab });
  // The key is bound to Baobab: another organisation is not visible to it.
  const foreign = collect(header.client, STATUS_CHANGED, { org: DEMO_ORGS.protea });
  await foreign.waitFor(1);
  expect(foreign.results.map((r) => r.errors?.map((e) => e.extensions?.code))).toEqual([['NOT_FOUND']]);
  await new Promise((r) => setTimeout(r, 300));

  const off = await p.gateway('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: vm.id }, baobab);
  expect(off.errors).toBeUndefined();
  await Promise.all([viaBearer.waitFor(1, 5_000), viaHeader.waitFor(1, 5_000)]);
  const expected = {
    virtualMachineStatusChanged: {
      fromStatus: 'RUNNING',
      toStatus: 'STOPPED',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      vm: { id: vm.id, name: vm.name, status: 'STOPPED', product: { name: vm.product.name }, organization: { name: 'Baobab Health' } },
    },
  };
  expect(viaBearer.results).toEqual([{ data: expected }]);
  expect(viaHeader.results).toEqual([{ data: expected }]);
  await Promise.all([bearer.client.dispose(), header.client.dispose()]);

  // A key that does not exist, in either place: refused at connect with 4401 (stock clients do not retry it).
  const bogus = `cdp_live_000000000000_${'A'.repeat(43)}`;
  for (const refused of [wsClient(p.gatewayUrl, bogus), keyClient(bogus)]) {
    const sub = collect(refused.client, STATUS_CHANGED, { org: DEMO_ORGS.baobab });
    await until(async () => (refused.closes.length > 0 ? true : undefined), 5_000);
    expect(refused.closes.map((c) => (typeof c === 'number' ? c : c.code))).toEqual([4401]);
    expect(sub.results).toEqual([]);
    await refused.client.dispose();
  }
}, 120_000);

test("subscription starts count against the key's rate limit: beyond it the start is refused with RATE_LIMITED (retryAfter), the connection stays", async () => {
  const key = await createKey(p, baobab, { organizationId: DEMO_ORGS.baobab, scopes: ['VMS_READ'], rateLimit: { requestsPerMinute: 6, burst: 2 } });
  const { client, closes } = keyClient(key.secret);
  const started = [0, 1, 2].map(() => collect(client, 'subscription($id: ID!) { virtualMachineMetrics(id: $id) { at } }', { id: vm.id }));
  await started[2]!.waitFor(1, 5_000);
  // graphql-ws's `error` message: the operation is refused before it starts (the client's sink.error).
  expect(started[2]!.results).toEqual([]);
  const refused = started[2]!.ended!.error as { message: string; extensions?: Record<string, unknown> }[];
  expect(refused.map((e) => [e.extensions?.code, e.extensions?.limit])).toEqual([['RATE_LIMITED', { requestsPerMinute: 6, burst: 2 }]]);
  expect(refused[0]!.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
  expect(refused[0]!.extensions?.retryAfter).toBeLessThanOrEqual(10);
  expect(refused[0]!.extensions).not.toHaveProperty('http');
  expect(refused[0]!.message).toMatch(/^Rate limit exceeded for this API key/);
  // The first two are live (nothing refused them); the socket was not closed.
  await new Promise((r) => setTimeout(r, 300));
  expect(started[0]!.results).toEqual([]);
  expect(started[1]!.results).toEqual([]);
  expect(started[0]!.ended).toBeUndefined();
  expect(closes).toEqual([]);
  await client.dispose();
}, 120_000);

test('over graphql-ws the HTTP rules hold: a key without alerts:read may not start alertEvents (FORBIDDEN naming the scope), and a too-deep operation is refused by the depth limit', async () => {
  const key = await createKey(p, baobab, { organizationId: DEMO_ORGS.baobab, scopes: ['VMS_READ', 'ORGANIZATIONS_READ'] });
  const { client } = keyClient(key.secret);
  const alerts = collect(client, 'subscription($org: ID!) { alertEvents(organizationId: $org) { cursor toStatus } }', { org: DEMO_ORGS.baobab });
  await alerts.waitFor(1, 5_000);
  // Refused at the start: graphql-ws's error message, no result.
  type Refusal = { message: string; extensions?: Record<string, unknown> }[];
  expect(alerts.results).toEqual([]);
  expect((alerts.ended!.error as Refusal).map((e) => [e.extensions?.code, e.message])).toEqual([
    ['FORBIDDEN', 'Subscription.alertEvents needs the scope alerts:read, which this API key does not have.'],
  ]);
  // 13 levels of selection: over the gateway's depth limit of 12.
  const deep =
    'subscription($org: ID!) { virtualMachineStatusChanged(organizationId: $org) { vm { organization { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } }';
  const tooDeep = collect(client, deep, { org: DEMO_ORGS.baobab });
  await tooDeep.waitFor(1, 5_000);
  expect(tooDeep.results).toEqual([]);
  expect((tooDeep.ended!.error as Refusal).map((e) => [e.extensions?.code, e.extensions?.limit, e.extensions?.max])).toEqual([
    ['GRAPHQL_VALIDATION_FAILED', 'maxDepth', 12],
  ]);
  await client.dispose();
}, 60_000);
