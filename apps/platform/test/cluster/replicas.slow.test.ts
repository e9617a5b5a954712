import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collect, createTestDatabase, dropTestDatabases, gql, until, wsClient } from '@platform/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_ORGS, DEMO_PASSWORD } from '../../src/demo-data.ts';
import { generateClusterSecrets, NGINX_BIN, startCluster, type Cluster, type ServiceProcess } from '../../src/cluster/index.ts';
import { SUBGRAPHS, type SubgraphName } from '../../src/start-platform.ts';

// The deployed shape: every service its own process, vms, wallet and the gateway twice each, behind nginx,
// over one PostgreSQL and one Redis. Needs REDIS_URL and Debian's nginx (.ci/run installs it).
const REDIS_URL = process.env['REDIS_URL'];
const runnable = Boolean(REDIS_URL) && existsSync(NGINX_BIN);
if (!runnable) console.warn(`replicas.slow.test.ts skipped: needs REDIS_URL and nginx at ${NGINX_BIN} (apt-get install -y nginx)`);

const BUILD_MS = 1500;
const PROVISION = `mutation($input: ProvisionVirtualMachineInput!) { provisionVirtualMachine(input: $input) { id status } }`;

let cluster: Cluster;
let dir: string;
let protea: string;
let ops: string;
let productId: string;
const startedAt = Date.now();

const through = (url: string) => `${url}/graphql`;
const login = async (email: string) => {
  const r = await gql(cluster.gatewayUrl, 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }', {
    e: email,
    p: DEMO_PASSWORD,
  });
  if (!r.data?.logIn) throw new Error(`login ${email}: ${JSON.stringify(r.errors)}; gateway errors: ${errorLines().join('\n')}`);
  return r.data.logIn.accessToken as string;
};
/** The latest error lines the services logged (their causes never reach a client). */
const errorLines = () =>
  Object.values(cluster.replicas)
    .flat()
    .flatMap((replica) => replica.lines.filter((line) => line.includes('"level":"error"')).map((line) => `${replica.name}: ${line.slice(0, 600)}`))
    .slice(-5);
const provisionInput = (name: string, key: string) => ({
  input: { organizationId: DEMO_ORGS.protea, name, productId, guestOs: 'UBUNTU_64', idempotencyKey: key },
});
/** Protea's available funds in cents, as provider staff see them through the load balancer. */
const available = async () => {
  const r = await gql(
    cluster.gatewayUrl,
    'query($id: ID!) { organization(id: $id) { wallet { available { amount } } } }',
    { id: DEMO_ORGS.protea },
    { token: ops },
  );
  expect(r.errors).toBeUndefined();
  return BigInt((r.data.organization.wallet.available.amount as string).replace('.', ''));
};
const statusOf = async (vmId: string) =>
  (await gql(cluster.gatewayUrl, 'query($id: ID!) { virtualMachine(id: $id) { status } }', { id: vmId }, { token: protea })).data?.virtualMachine?.status as
    string | undefined;
const untilRunning = (vmIds: readonly string[], timeoutMs = 45_000) =>
  until(async () => ((await Promise.all(vmIds.map(statusOf))).every((s) => s === 'RUNNING') ? true : undefined), timeoutMs, 200);
/** The VM ids a replica logged "vm build started" for (services log JSON lines). */
const buildsOn = (replica: ServiceProcess): string[] =>
  replica.lines.filter((line) => line.includes('"vm build started"')).map((line) => (JSON.parse(line) as { vmId: string }).vmId);

beforeAll(async () => {
  if (!runnable) return;
  const databaseUrls = Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) => [s, await createTestDatabase(`cluster_${s}`)]))) as Record<
    SubgraphName,
    string
  >;
  dir = await mkdtemp(path.join(os.tmpdir(), 'cluster-test-'));
  cluster = await startCluster({
    databaseUrls,
    secrets: generateClusterSecrets(),
    redisUrl: REDIS_URL!,
    redisKeyPrefix: `test-cluster-${randomUUID()}`,
    dir,
    replicas: { vms: 2, wallet: 2, gateway: 2 },
    scryptLog2N: 14,
    readyTimeoutMs: 600_000, // a shared, loaded CI machine compiles ten processes slowly
    env: {
      vms: {
        VMS_BUILD_DELAY_MS: String(BUILD_MS),
        VMS_BUILD_FAILURE_PERCENT: '0',
        VMS_SAGA_STALE_MS: '2000', // lease length: a killed replica's saga is taken over 2 s after its last heartbeat
        VMS_SAGA_RECOVERY_MS: '300',
        OUTBOX_INTERVAL_MS: '50',
      },
      gateway: { RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0', SUBGRAPH_TIMEOUT_MS: '60000' },
    },
  });
  console.log(`cluster of ${Object.values(cluster.replicas).flat().length} processes ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  [protea, ops] = await Promise.all([login('admin@protea.example'), login('ops@highveld.example')]);
  productId = (await gql(cluster.gatewayUrl, '{ productBySku(sku: "VM-GP-2C8G") { id } }', {}, { token: protea })).data.productBySku.id;
}, 900_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  await dropTestDatabases();
  console.log(`replicas.slow.test.ts took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}, 60_000);

describe.skipIf(!runnable)('two replicas of vms, wallet and the gateway behind nginx', () => {
  test('a subscriber on one gateway replica receives the status changes of a VM provisioned through the other', { timeout: 60_000 }, async () => {
    const [gatewayA, gatewayB] = cluster.replicas.gateway;
    const { client } = wsClient(through(gatewayA!.url), protea);
    const feed = collect<{ virtualMachineStatusChanged: { fromStatus: string | null; toStatus: string; vm: { id: string; name: string } } }>(
      client,
      'subscription($org: ID!) { virtualMachineStatusChanged(organizationId: $org) { fromStatus toStatus vm { id name } } }',
      { org: DEMO_ORGS.protea },
    );
    try {
      const r = await gql(through(gatewayB!.url), PROVISION, provisionInput('live-across-gateways', randomUUID()), { token: protea });
      expect(r.errors).toBeUndefined();
      const vmId = r.data.provisionVirtualMachine.id as string;
      // The build takes 1.5 s, so the subscription is live upstream long before RUNNING is committed.
      await until(
        async () => feed.results.find((m) => m.data?.virtualMachineStatusChanged.vm.id === vmId && m.data.virtualMachineStatusChanged.toStatus === 'RUNNING'),
        30_000,
      );
      const mine = feed.results.map((m) => m.data!.virtualMachineStatusChanged).filter((e) => e.vm.id === vmId);
      expect(mine.at(-1)).toEqual({ fromStatus: 'PROVISIONING', toStatus: 'RUNNING', vm: { id: vmId, name: 'live-across-gateways' } });
    } finally {
      feed.stop();
      await client.dispose();
    }
  });

  test(
    'provisioning under load through the load balancer builds each VM once and releases each hold (a funds check) once it runs',
    { timeout: 90_000 },
    async () => {
      const before = await available();
      const [vms1, vms2] = cluster.replicas.vms;
      const builtBefore = new Set([...buildsOn(vms1!), ...buildsOn(vms2!)]);
      // 16 VMs, each asked for twice at once with the same key (a client retrying), spread by nginx over both
      // gateways and both vms replicas: both replicas see the same sagas, and the lease lets one build each.
      const keys = Array.from({ length: 16 }, (_, i) => ({ name: `load-${String(i).padStart(2, '0')}`, key: randomUUID() }));
      const answers = await Promise.all(
        [...keys, ...keys].map(({ name, key }) => gql(cluster.gatewayUrl, PROVISION, provisionInput(name, key), { token: protea })),
      );
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      const vmIds = answers.slice(0, 16).map((a) => a.data.provisionVirtualMachine.id as string);
      expect(answers.slice(16).map((a) => a.data.provisionVirtualMachine.id)).toEqual(vmIds); // the retry answers the same VM
      expect(new Set(vmIds).size).toBe(16);
      await untilRunning(vmIds);
      const [on1, on2] = [buildsOn(vms1!), buildsOn(vms2!)].map((ids) => ids.filter((id) => !builtBefore.has(id)));
      expect([...on1!, ...on2!].sort()).toEqual([...vmIds].sort()); // every VM built, none twice, on either replica
      expect(on1!.length).toBeGreaterThan(0); // both replicas did work
      expect(on2!.length).toBeGreaterThan(0);
      expect(await available()).toBe(before); // every hold given back once its VM runs: the monthly bill charges usage
    },
  );

  test('a vms replica killed mid-build: the other takes the saga over when its lease runs out and finishes it', { timeout: 90_000 }, async () => {
    const [vms1, vms2] = cluster.replicas.vms;
    const before = await available();
    // Straight to vms-1 (subgraphs verify the token themselves), so the saga is known to start there.
    const r = await gql(through(vms1!.url), PROVISION, provisionInput('killed-mid-build', randomUUID()), { token: protea });
    expect(r.errors).toBeUndefined();
    const vmId = r.data.provisionVirtualMachine.id as string;
    await until(async () => (buildsOn(vms1!).includes(vmId) ? true : undefined), 20_000);
    const exit = await vms1!.kill();
    expect(exit.signal).toBe('SIGKILL');
    expect(await statusOf(vmId)).toBe('PROVISIONING'); // through nginx, now only vms-2 answers
    await untilRunning([vmId]);
    expect(buildsOn(vms2!).filter((id) => id === vmId)).toEqual([vmId]); // taken over: built again once, by vms-2
    expect(vms2!.lines.some((line) => line.includes('"provisioning sagas taken over"'))).toBe(true);
    expect(await available()).toBe(before); // the hold given back once the VM runs
  });
});
