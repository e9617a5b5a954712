import { createLogger, createTokenVerifier, lazyRemoteJwks, remoteServiceTokens } from '@platform/kernel';
import { codesOf, createTestDatabase, gql, until } from '@platform/testkit';
import { createVmsSubgraph, readVmsConfig, type SagaHooks, type VmsSubgraph } from '@platform/vms';
import { scriptedCompute } from '@platform/vms/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { cents, expectLedgerConsistent, PROVISION, walletOf } from '../support/provisioning.ts';

let p: TestPlatform;
let vmsDatabaseUrl: string;
let provider: string;
let protea: string;
const running: VmsSubgraph[] = [];

beforeAll(async () => {
  p = await startTestPlatform();
  vmsDatabaseUrl = await createTestDatabase('vms_crash');
  [provider, protea] = await Promise.all([p.login('ops@highveld.example'), p.login('admin@protea.example')]);
});
afterAll(async () => {
  for (const vms of running) await vms.stop().catch(() => {});
  await p?.close();
});

/** A vms instance of its own on one database, wired to the platform's catalog, wallet, identity and tenancy. */
async function startInstance(hooks: SagaHooks = {}) {
  const identityBase = p.urls.identity.replace(/\/graphql$/, '');
  const vms = createVmsSubgraph(
    readVmsConfig({
      DATABASE_URL: vmsDatabaseUrl,
      PORT: '0',
      NODE_ENV: 'test',
      CATALOG_URL: p.urls.catalog,
      WALLET_URL: p.urls.wallet,
      VMS_SAGA_STALE_MS: '0', // a fresh process takes over everything left open
      VMS_SAGA_RECOVERY_MS: '600000',
    }),
    {
      logger: createLogger({ service: 'vms-crash-test' }, 'error'),
      verifyToken: createTokenVerifier({ keys: lazyRemoteJwks(() => `${identityBase}/.well-known/jwks.json`), issuer: 'cloud-platform/identity', audience: 'cloud-platform' }),
      orgDirectory: p.tenancy.orgDirectory,
      eventBus: p.eventBus,
      serviceTokens: remoteServiceTokens({ identityUrl: identityBase, service: 'vms', secret: p.serviceSecret, scopes: ['tenancy:read', 'catalog:price', 'wallet:hold'] }),
    },
    { compute: scriptedCompute(20).provider, hooks },
  );
  const server = await vms.start();
  running.push(vms);
  return { vms, url: server.url };
}

const crash = () => Promise.reject(new Error('simulated crash: the process died here'));
const sagaOf = async (vms: VmsSubgraph, name: string) =>
  (await sql<{ id: string; state: string; vm_id: string | null; hold_id: string | null }>`
    select id, state, vm_id, hold_id from provision_sagas where request->>'name' = ${name}`.execute(vms.db)).rows[0];

test('a crash between saga steps: a new instance on the same database resumes or compensates; the wallet stays consistent', async () => {
  const before = await walletOf(p, provider, DEMO_ORGS.protea);
  const price = cents((await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { price { monthly { amount } } } }', {}, protea)).data.productBySku.price.monthly.amount);
  const productId = (await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { id } }', {}, protea)).data.productBySku.id;

  // Instance A dies after placing the hold (two sagas) and after the build (one saga).
  const a = await startInstance({
    afterHold: (saga) => (saga.request.name.startsWith('crash-hold') ? crash() : Promise.resolve()),
    afterBuild: (saga) => (saga.request.name.startsWith('crash-built') ? crash() : Promise.resolve()),
  });
  const provision = (name: string, key: string) =>
    gql(a.url, PROVISION, { input: { organizationId: DEMO_ORGS.protea, name, productId, guestOs: 'UBUNTU_64', idempotencyKey: key } }, { token: protea });

  const resumed = await provision('crash-hold-01', 'crash-a');
  expect(codesOf(resumed)).toEqual(['INTERNAL_SERVER_ERROR']); // the client saw the process die
  const compensated = await provision('crash-hold-fail-01', 'crash-b'); // its build will fail on resume
  expect(codesOf(compensated)).toEqual(['INTERNAL_SERVER_ERROR']);
  const built = await provision('crash-built-01', 'crash-c');
  expect(built.errors).toBeUndefined();
  await until(async () => ((await sagaOf(a.vms, 'crash-built-01'))?.state === 'BUILT' ? true : undefined));

  // Mid-saga: three holds open, two sagas without a VM yet, one VM built but not paid for.
  expect((await sagaOf(a.vms, 'crash-hold-01'))).toMatchObject({ state: 'HOLDING', vm_id: null });
  expect((await sagaOf(a.vms, 'crash-hold-fail-01'))).toMatchObject({ state: 'HOLDING', vm_id: null });
  const midway = await walletOf(p, provider, DEMO_ORGS.protea);
  expect(midway.holds.filter((h) => h.status === 'PENDING' && h.description?.startsWith('First month of VM crash-'))).toHaveLength(3);
  expect(midway.available).toBe(before.available - 3n * price);
  await a.vms.stop();

  // Instance B on the same database: its start-up recovery pass finishes every saga.
  const b = await startInstance();
  const final = await until(async () => {
    const states = await Promise.all(['crash-hold-01', 'crash-hold-fail-01', 'crash-built-01'].map((n) => sagaOf(b.vms, n)));
    return states.every((s) => s && ['COMPLETED', 'FAILED'].includes(s.state)) ? states : undefined;
  });
  expect(final.map((s) => s!.state)).toEqual(['COMPLETED', 'FAILED', 'COMPLETED']);

  const statusOf = async (vmId: string) =>
    (await sql<{ status: string }>`select status from virtual_machines where id = ${vmId}`.execute(b.vms.db)).rows[0]!.status;
  expect(await statusOf(final[0]!.vm_id!)).toBe('RUNNING');
  expect(await statusOf(final[1]!.vm_id!)).toBe('ERROR');
  expect(await statusOf(final[2]!.vm_id!)).toBe('RUNNING');

  // No VM without its money, no hold left behind: two captured, one released, each exactly once.
  const after = await walletOf(p, provider, DEMO_ORGS.protea);
  const holdOf = (vmId: string) => after.holds.filter((h) => h.reference === `vm:${vmId}`).map((h) => h.status);
  expect(holdOf(final[0]!.vm_id!)).toEqual(['CAPTURED']);
  expect(holdOf(final[1]!.vm_id!)).toEqual(['RELEASED']);
  expect(holdOf(final[2]!.vm_id!)).toEqual(['CAPTURED']);
  expect(after.holds.filter((h) => h.status === 'PENDING')).toEqual([]);
  expect(after.available).toBe(before.available - 2n * price);
  await expectLedgerConsistent(p);

  // The client retrying with its key after the crash gets the VM the saga made.
  const retry = await gql(b.url, PROVISION, { input: { organizationId: DEMO_ORGS.protea, name: 'crash-hold-01', productId, guestOs: 'UBUNTU_64', idempotencyKey: 'crash-a' } }, { token: protea });
  expect(retry.data?.provisionVirtualMachine).toMatchObject({ id: final[0]!.vm_id, status: 'RUNNING' });
});
