import { randomUUID } from 'node:crypto';
import { DEFAULT_DELIVERY_POLICY, InMemoryEventBus } from '@platform/kernel';
import { encodeOtlpMetrics } from '@platform/vms';
import { scriptedCompute } from '@platform/vms/testing';
import { codesOf, until } from '@platform/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { PROVISION } from '../support/provisioning.ts';
import { collect, wsClient } from '../subscriptions/support.ts';
import { figure, scrape } from './prometheus-text.ts';

// Each figure is scraped from the /metrics of the service that produces it, before and after real load.
let p: TestPlatform;
let protea: string;
// A bus of the test's own in the platform's process (one metrics registry per process), parking after two
// attempts 50 ms apart, so the parked figure moves within the test; the platform's bus keeps its policy.
const eventBus = new InMemoryEventBus({ policy: { ...DEFAULT_DELIVERY_POLICY, maxAttempts: 2, retryDelayMs: 50 } });
const compute = scriptedCompute(20);

beforeAll(async () => {
  p = await startTestPlatform({
    vms: { options: { compute: compute.provider } },
    // A small per-user burst (rate-limit refusals) and account lock (login throttling); other users stay under both.
    gatewayEnv: { RATE_LIMIT_USER_PER_MINUTE: '60', RATE_LIMIT_USER_BURST: '20' },
    identityEnv: { LOGIN_MAX_FAILURES: '2' },
  });
  protea = await p.login('admin@protea.example');
}, 180_000);
afterAll(async () => {
  await p?.close();
  await eventBus.close();
});

const gatewayFigures = async () => (await scrape(p.gatewayUrl)).text;

test('per operation and per subgraph: rate (histogram count), latency and errors by code', async () => {
  const before = await gatewayFigures();
  for (let i = 0; i < 5; i++) {
    const r = await p.gateway(
      'query MetricsWallet($id: ID!) { organization(id: $id) { name wallet { balance { amount } } } }',
      { id: DEMO_ORGS.protea },
      protea,
    );
    expect(r.errors).toBeUndefined();
  }
  const bad = await p.gateway('query MetricsBadId { organization(id: "not-an-id") { name } }', {}, protea);
  expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
  const after = await gatewayFigures();
  const op = { service: 'gateway', operation: 'MetricsWallet', type: 'query' };
  expect(figure(before, 'graphql_operation_duration_seconds_count', op)).toBe(0);
  expect(figure(after, 'graphql_operation_duration_seconds_count', op)).toBe(5);
  expect(figure(after, 'graphql_operation_duration_seconds_bucket', { ...op, le: '+Inf' })).toBe(5);
  expect(figure(after, 'graphql_operation_duration_seconds_sum', op)).toBeGreaterThan(0);
  expect(figure(after, 'graphql_operation_errors_total', { service: 'gateway', operation: 'MetricsWallet' })).toBe(0);
  expect(figure(after, 'graphql_operation_errors_total', { service: 'gateway', operation: 'MetricsBadId', code: 'BAD_USER_INPUT' })).toBe(1);
  // Each MetricsWallet plan fetches from tenancy, then wallet: five requests to wallet.
  const walletCalls = (text: string) => figure(text, 'gateway_subgraph_request_duration_seconds_count', { subgraph: 'wallet' });
  expect(walletCalls(after) - walletCalls(before)).toBe(5);
  // The subgraph counts its own side too, on its own /metrics.
  const wallet = (await scrape(p.urls.wallet)).text;
  expect(figure(wallet, 'graphql_operation_duration_seconds_count', { service: 'wallet' })).toBeGreaterThanOrEqual(5);
});

test('rate-limit refusals at the gateway and login throttling in identity', async () => {
  const before = await gatewayFigures();
  const karoo = await p.login('admin@karoo.example');
  const answers = await Promise.all(Array.from({ length: 30 }, () => p.gateway('{ me { id } }', {}, karoo)));
  const refused = answers.filter((r) => codesOf(r)[0] === 'RATE_LIMITED').length;
  expect(refused).toBeGreaterThanOrEqual(9); // a burst of 20, refilled at one per second
  const after = await gatewayFigures();
  const refusals = (text: string) => figure(text, 'gateway_rate_limit_refusals_total', { principal: 'user' });
  expect(refusals(after) - refusals(before)).toBe(refused);

  const identityBefore = (await scrape(p.urls.identity)).text;
  const codes: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await p.gateway('mutation { logIn(email: "owner@karoo.example", password: "not-the-password") { accessToken } }');
    codes.push(codesOf(r)[0]);
  }
  expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED']);
  const identityAfter = (await scrape(p.urls.identity)).text;
  const throttled = (text: string) => figure(text, 'identity_login_throttled_total', { reason: 'account' });
  expect(throttled(identityAfter) - throttled(identityBefore)).toBe(2);
});

test('telemetry ingest: points received and points rejected', async () => {
  const vm = (
    await p.gateway(
      'query($org: ID!) { organization(id: $org) { virtualMachines(filter: { status: [RUNNING] }, first: 1) { edges { node { id } } } } }',
      { org: DEMO_ORGS.protea },
      protea,
    )
  ).data.organization.virtualMachines.edges[0].node;
  const before = (await scrape(p.urls.vms)).text;
  const at = new Date(Math.floor(Date.now() / 20_000) * 20_000 - 60_000);
  const response = await fetch(p.telemetryUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await p.collectorTokens()}` },
    body: JSON.stringify(
      encodeOtlpMetrics([
        { vmRef: vm.id, at, values: { cpu_percent: 40, memory_percent: 50, network_receive_bytes_per_second: 10 } },
        { vmRef: '00000000-0000-7000-8000-000000000000', at, values: { cpu_percent: 1, memory_percent: 2 } },
      ]),
    ),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { partialSuccess: { rejectedDataPoints: string } }).partialSuccess.rejectedDataPoints).toBe('2');
  const after = (await scrape(p.urls.vms)).text;
  expect(figure(after, 'telemetry_points_ingested_total') - figure(before, 'telemetry_points_ingested_total')).toBe(5);
  expect(figure(after, 'telemetry_points_rejected_total') - figure(before, 'telemetry_points_rejected_total')).toBe(2);
});

test('open subscriptions go up and down; outbox relay and consumer figures move with a provisioned VM', async () => {
  const open = async () => figure(await gatewayFigures(), 'gateway_subscriptions_open');
  expect(await open()).toBe(0);
  const { client } = wsClient(p.gatewayUrl, protea);
  const sub = collect(client, 'subscription($org: ID!) { virtualMachineStatusChanged(organizationId: $org) { toStatus } }', { org: DEMO_ORGS.protea });
  await until(async () => ((await open()) === 1 ? true : undefined));

  const vmsBefore = (await scrape(p.urls.vms)).text;
  const billingBefore = (await scrape(p.urls.billing)).text;
  const product = (await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { id } }', {}, protea)).data.productBySku;
  const input = { organizationId: DEMO_ORGS.protea, name: 'metrics-01', productId: product.id, guestOs: 'UBUNTU_64', idempotencyKey: 'metrics-1' };
  expect((await p.gateway(PROVISION, { input }, protea)).errors).toBeUndefined();
  await sub.waitFor(1, 10_000);
  const relayed = (text: string) => figure(text, 'outbox_events_relayed_total', { service: 'vms' });
  const handled = (text: string) => figure(text, 'events_handled_total', { outcome: 'ok' });
  const lagCount = (text: string) => figure(text, 'events_consumer_lag_seconds_count');
  const vmsAfter = await until(async () => {
    const text = (await scrape(p.urls.vms)).text;
    return relayed(text) > relayed(vmsBefore) ? text : undefined;
  });
  expect(relayed(vmsAfter) - relayed(vmsBefore)).toBeGreaterThanOrEqual(1);
  expect(figure(vmsAfter, 'outbox_relay_delay_seconds_count', { service: 'vms' })).toBe(relayed(vmsAfter));
  const billingAfter = await until(async () => {
    const text = (await scrape(p.urls.billing)).text;
    return handled(text) > handled(billingBefore) ? text : undefined;
  });
  expect(lagCount(billingAfter) - lagCount(billingBefore)).toBe(handled(billingAfter) - handled(billingBefore));
  expect(figure(billingAfter, 'events_parked_total')).toBe(0);

  await client.dispose();
  await until(async () => ((await open()) === 0 ? true : undefined));
});

test('an event a consumer keeps failing on is parked, and counted as parked for that consumer', async () => {
  const parked = async () => figure((await scrape(p.urls.billing)).text, 'events_parked_total', { consumer: 'metrics-test-always-fails' });
  expect(await parked()).toBe(0);
  const registration = eventBus.register({
    name: 'metrics-test-always-fails',
    topics: ['metrics.test.poison'],
    handle: async () => {
      throw new Error('this consumer cannot apply the event');
    },
  });
  try {
    await eventBus.publish([{ id: randomUUID(), topic: 'metrics.test.poison', payload: {}, occurredAt: new Date().toISOString() }]);
    await until(async () => ((await parked()) === 1 ? true : undefined), 10_000);
    expect(await eventBus.parked('metrics-test-always-fails')).toHaveLength(1);
    const text = (await scrape(p.urls.billing)).text;
    expect(figure(text, 'events_handled_total', { consumer: 'metrics-test-always-fails', outcome: 'failed' })).toBe(2);
  } finally {
    await registration.stop();
  }
});

test('database pool: connections in use and requests waiting, per service', async () => {
  const pool = p.wallet.database.pool;
  const max = pool.options.max;
  const held = await Promise.all(Array.from({ length: max }, () => pool.connect()));
  const queued = pool.query('select 1');
  const busy = (await scrape(p.urls.wallet)).text;
  expect(figure(busy, 'db_pool_connections', { service: 'wallet', state: 'in_use' })).toBe(max);
  expect(figure(busy, 'db_pool_waiting_requests', { service: 'wallet' })).toBeGreaterThanOrEqual(1);
  for (const client of held) client.release();
  await queued;
  const calm = (await scrape(p.urls.wallet)).text;
  expect(figure(calm, 'db_pool_waiting_requests', { service: 'wallet' })).toBe(0);
});
