import { randomUUID } from 'node:crypto';
import { createGateway, readGatewayConfig, type Gateway } from '@platform/gateway';
import { createLogger, createTokenVerifier, lazyRemoteJwks, RedisEventBus, RedisLiveChannel, remoteServiceTokens, type RunningServer } from '@platform/kernel';
import { createTestDatabase } from '@platform/testkit';
import { createVmsSubgraph, encodeOtlpMetrics, readVmsConfig, type VmsSubgraph } from '@platform/vms';
import { scriptedCompute } from '@platform/vms/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { SUBGRAPHS, type SubgraphName } from '../../src/start-platform.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { collect, STATUS_CHANGED, wsClient } from './support.ts';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('across-replicas.slow.test.ts skipped: REDIS_URL is not set');

/**
 * Two vms replicas (A inside the platform, B beside it on the same database) and two gateways (A
 * routes to vms A, B to vms B), all on one Redis: events travel over Redis Streams, live fan-out
 * over Redis pub/sub, each replica with its own connections, as separate processes would.
 */
describe.skipIf(!REDIS_URL)('subscriptions across replicas on Redis', () => {
  const prefix = `it-${randomUUID().slice(0, 8)}`;
  const logger = createLogger({}, 'error');
  let p: TestPlatform;
  let vmsB: VmsSubgraph;
  let gatewayB: Gateway;
  let gatewayBServer: RunningServer;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const databaseUrls = {} as Record<SubgraphName, string>;
    for (const name of SUBGRAPHS) databaseUrls[name] = await createTestDatabase(name);
    const busA = new RedisEventBus({ url: REDIS_URL!, prefix: `${prefix}:events`, logger, blockMs: 100 });
    const liveA = new RedisLiveChannel({ url: REDIS_URL!, logger, prefix: `${prefix}:live` });
    closers.push(
      () => busA.close(),
      () => liveA.close(),
    );
    p = await startTestPlatform({ databaseUrls, eventBus: busA, liveChannel: liveA, vms: { options: { compute: scriptedCompute(30).provider } } });

    const identityBase = p.urls.identity.replace(/\/graphql$/, '');
    const jwksUrl = `${identityBase}/.well-known/jwks.json`;
    const busB = new RedisEventBus({ url: REDIS_URL!, prefix: `${prefix}:events`, logger, blockMs: 100 });
    const liveB = new RedisLiveChannel({ url: REDIS_URL!, logger, prefix: `${prefix}:live` });
    closers.push(
      () => busB.close(),
      () => liveB.close(),
    );
    vmsB = createVmsSubgraph(
      readVmsConfig({ DATABASE_URL: databaseUrls.vms, PORT: '0', NODE_ENV: 'test', JWKS_URL: jwksUrl, CATALOG_URL: p.urls.catalog, WALLET_URL: p.urls.wallet }),
      {
        logger,
        verifyToken: createTokenVerifier({ keys: lazyRemoteJwks(() => jwksUrl), issuer: 'cloud-platform/identity', audience: 'cloud-platform' }),
        orgDirectory: p.tenancy.orgDirectory,
        eventBus: busB,
        liveChannel: liveB,
        serviceTokens: remoteServiceTokens({
          identityUrl: identityBase,
          service: 'vms',
          secret: p.serviceSecrets.vms,
          scopes: ['tenancy:read', 'catalog:price', 'wallet:hold'],
        }),
      },
      { compute: scriptedCompute(30).provider },
    );
    const vmsBServer = await vmsB.start();
    closers.unshift(() => vmsB.stop());
    gatewayB = createGateway(readGatewayConfig({ PORT: '0', JWKS_URL: jwksUrl, NODE_ENV: 'test' }, []), {
      logger,
      serviceUrls: { ...p.urls, vms: vmsBServer.url },
    });
    gatewayBServer = await gatewayB.start();
    closers.unshift(() => gatewayB.stop());
  }, 120_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await p?.close();
  }, 60_000);

  test('a subscriber on gateway B receives the status change made through gateway A and vms A', async () => {
    const baobab = await p.login('admin@baobab.example');
    const list = await p.gateway(
      `query($org: ID!) { organization(id: $org) { virtualMachines(first: 50) { edges { node { id name status } } } } }`,
      { org: DEMO_ORGS.baobab },
      baobab,
    );
    const vm = list.data.organization.virtualMachines.edges.map((e: any) => e.node).find((n: any) => n.status === 'RUNNING');
    const { client } = wsClient(gatewayBServer.url, baobab);
    const sub = collect(client, STATUS_CHANGED, { org: DEMO_ORGS.baobab });
    await new Promise((r) => setTimeout(r, 500));
    expect(vmsB.services.live.subscriptions).toBe(1); // gateway B subscribed upstream at vms B
    expect(p.vms.services.live.subscriptions).toBe(0); // and not at vms A
    const off = await p.gateway('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: vm.id }, baobab); // gateway A → vms A
    expect(off.errors).toBeUndefined();
    await sub.waitFor(1, 5_000);
    expect(sub.results[0]!.data).toMatchObject({
      virtualMachineStatusChanged: {
        fromStatus: 'RUNNING',
        toStatus: 'STOPPED',
        vm: { id: vm.id, name: vm.name, status: 'STOPPED', organization: { name: 'Baobab Health' } },
      },
    });
    sub.stop();
    await client.dispose();
  }, 60_000);

  test('an alert transition committed on vms A (samples POSTed to its /v1/metrics) reaches an alertEvents subscriber on gateway B and vms B', async () => {
    const baobab = await p.login('admin@baobab.example');
    const list = await p.gateway(
      `query($org: ID!) { organization(id: $org) { virtualMachines(filter: { status: [RUNNING] }, first: 1) { edges { node { id name } } } } }`,
      { org: DEMO_ORGS.baobab },
      baobab,
    );
    const vm = list.data.organization.virtualMachines.edges[0].node;
    const { client } = wsClient(gatewayBServer.url, baobab);
    const sub = collect(
      client,
      'subscription($org: ID!) { alertEvents(organizationId: $org) { cursor fromStatus toStatus alert { title virtualMachine { id } } } }',
      {
        org: DEMO_ORGS.baobab,
      },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(vmsB.services.live.subscriptions).toBe(1); // subscribed at vms B only
    expect(p.vms.services.live.subscriptions).toBe(0);
    const start = Date.now() - 320_000;
    const samples = Array.from({ length: 16 }, (_, i) => ({ vmRef: vm.id, at: new Date(start + i * 20_000), values: { cpu_percent: 97 } }));
    const response = await fetch(p.telemetryUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await p.collectorTokens()}` },
      body: JSON.stringify(encodeOtlpMetrics(samples)),
    });
    expect(response.status).toBe(200);
    await sub.waitFor(2, 10_000);
    expect(sub.results.map((r) => r.data)).toEqual([
      {
        alertEvents: {
          cursor: expect.stringMatching(/^\d+$/),
          fromStatus: null,
          toStatus: 'PENDING',
          alert: { title: 'CPU > 90 % for 5 min', virtualMachine: { id: vm.id } },
        },
      },
      {
        alertEvents: {
          cursor: expect.stringMatching(/^\d+$/),
          fromStatus: 'PENDING',
          toStatus: 'FIRING',
          alert: { title: 'CPU > 90 % for 5 min', virtualMachine: { id: vm.id } },
        },
      },
    ]);
    sub.stop();
    await client.dispose();
  }, 60_000);
});
