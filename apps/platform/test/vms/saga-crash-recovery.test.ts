import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDatabase, createLogger, createTokenVerifier, InMemoryEventBus, lazyRemoteJwks, remoteServiceTokens } from '@platform/kernel';
import { createTestDatabase, gql, until } from '@platform/testkit';
import { createVmsSubgraph, readVmsConfig, type SagaHooks, type VmsDatabase, type VmsSubgraph } from '@platform/vms';
import { scriptedCompute } from '@platform/vms/testing';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { cents, expectLedgerConsistent, PROVISION, walletOf } from '../support/provisioning.ts';

let p: TestPlatform;
let vmsDatabaseUrl: string;
let provider: string;
let protea: string;
const running: VmsSubgraph[] = [];
const children: ChildProcess[] = [];
const lookers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  p = await startTestPlatform();
  vmsDatabaseUrl = await createTestDatabase('vms_crash');
  [provider, protea] = await Promise.all([p.login('ops@highveld.example'), p.login('admin@protea.example')]);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const vms of running) await vms.stop().catch(() => {});
  for (const look of lookers) await look.close().catch(() => {});
  await p?.close();
});

/** A vms instance of its own on one database, wired to the platform's catalog, wallet, identity and tenancy. */
async function startInstance(hooks: SagaHooks = {}) {
  const compute = scriptedCompute(20);
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
      verifyToken: createTokenVerifier({
        keys: lazyRemoteJwks(() => `${identityBase}/.well-known/jwks.json`),
        issuer: 'cloud-platform/identity',
        audience: 'cloud-platform',
      }),
      orgDirectory: p.tenancy.orgDirectory,
      // Its own bus: the platform's vms already holds this bus's vms consumers (one process, one registration each).
      eventBus: new InMemoryEventBus(),
      serviceTokens: remoteServiceTokens({
        identityUrl: identityBase,
        service: 'vms',
        secret: p.serviceSecrets.vms,
        scopes: ['tenancy:read', 'catalog:price', 'wallet:hold'],
      }),
    },
    { compute: compute.provider, hooks },
  );
  const server = await vms.start();
  running.push(vms);
  return { vms, url: server.url, builds: compute.builds };
}

const sagaOf = async (db: Kysely<VmsDatabase>, name: string) =>
  (
    await sql<{ id: string; state: string; vm_id: string | null; hold_id: string | null }>`
    select id, state, vm_id, hold_id from provision_sagas where request->>'name' = ${name}`.execute(db)
  ).rows[0];

type ChildMessage =
  | { type: 'listening'; url: string }
  | { type: 'build'; vmId: string; name: string }
  | { type: 'hook'; point: 'afterHold' | 'afterBuild'; name: string; sagaId: string };

/** Instance A in a child process of its own (support/crash-child.ts), on the same database as B. */
function spawnInstanceA() {
  const identityBase = p.urls.identity.replace(/\/graphql$/, '');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/crash-child.ts', import.meta.url))], {
    env: {
      ...process.env,
      DATABASE_URL: vmsDatabaseUrl,
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      CATALOG_URL: p.urls.catalog,
      WALLET_URL: p.urls.wallet,
      TENANCY_URL: p.urls.tenancy,
      IDENTITY_URL: identityBase,
      JWKS_URL: `${identityBase}/.well-known/jwks.json`,
      SERVICE_SECRET: p.serviceSecrets.vms,
      VMS_SAGA_STALE_MS: '0',
      VMS_SAGA_RECOVERY_MS: '600000',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const messages: ChildMessage[] = [];
  child.on('message', (m) => void messages.push(m as ChildMessage));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  /** Waits for a message matching `pick`, failing early if the child dies. */
  const message = async <M extends ChildMessage>(pick: (m: ChildMessage) => m is M): Promise<M> =>
    until(async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`instance A exited early (${child.exitCode ?? child.signalCode})`);
      return messages.find(pick);
    }, 60_000);
  return { child, messages, exited, message };
}

test('SIGKILL at a saga hook (twice after the hold, once after the build): a new instance on the same database finishes every saga exactly once', async () => {
  const before = await walletOf(p, provider, DEMO_ORGS.protea);
  const price = cents(
    (await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { price { monthly { amount } } } }', {}, protea)).data.productBySku.price.monthly.amount,
  );
  const productId = (await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { id } }', {}, protea)).data.productBySku.id;
  expect(price).toBe(79_400n); // R794.00 a month

  // Instance A, a process of its own, blocks at afterHold (two sagas) and afterBuild (one saga) and says so.
  const a = spawnInstanceA();
  const { url } = await a.message((m): m is Extract<ChildMessage, { type: 'listening' }> => m.type === 'listening');
  const provision = (target: string, name: string, key: string) =>
    gql(target, PROVISION, { input: { organizationId: DEMO_ORGS.protea, name, productId, guestOs: 'UBUNTU_64', idempotencyKey: key } }, { token: protea });
  const hook =
    (point: string, name: string) =>
    (m: ChildMessage): m is Extract<ChildMessage, { type: 'hook' }> =>
      m.type === 'hook' && m.point === point && m.name === name;

  // These two requests never get an answer: the process dies while they wait at afterHold.
  const resumed = provision(url, 'crash-hold-01', 'crash-a');
  const compensated = provision(url, 'crash-hold-fail-01', 'crash-b'); // its build will fail on resume
  resumed.catch(() => {});
  compensated.catch(() => {});
  await a.message(hook('afterHold', 'crash-hold-01'));
  await a.message(hook('afterHold', 'crash-hold-fail-01'));
  const built = await provision(url, 'crash-built-01', 'crash-c');
  expect(built.errors).toBeUndefined();
  expect(built.data.provisionVirtualMachine).toMatchObject({ name: 'crash-built-01', status: 'PROVISIONING' });
  await a.message(hook('afterBuild', 'crash-built-01'));

  // Mid-saga, as A leaves it: three holds open, two sagas without a VM yet, one VM built but not paid for.
  const look = createDatabase<VmsDatabase>({ url: vmsDatabaseUrl, logger: createLogger({ service: 'vms-crash-test' }, 'error') });
  lookers.push(look);
  expect(await sagaOf(look.db, 'crash-hold-01')).toMatchObject({ state: 'HOLDING', vm_id: null });
  expect(await sagaOf(look.db, 'crash-hold-fail-01')).toMatchObject({ state: 'HOLDING', vm_id: null });
  const builtSaga = await sagaOf(look.db, 'crash-built-01');
  expect(builtSaga).toMatchObject({ state: 'BUILT', vm_id: built.data.provisionVirtualMachine.id });
  const midway = await walletOf(p, provider, DEMO_ORGS.protea);
  expect(midway.holds.filter((h) => h.status === 'PENDING' && h.description?.startsWith('First month of VM crash-'))).toHaveLength(3);
  expect(midway.available).toBe(before.available - 3n * price);
  const buildsByA = a.messages.filter((m): m is Extract<ChildMessage, { type: 'build' }> => m.type === 'build');
  expect(buildsByA.map((b) => b.name)).toEqual(['crash-built-01']);

  // The crash: SIGKILL, nothing after the hook runs, no stop(), no settling. The waiting clients see the socket die.
  a.child.kill('SIGKILL');
  expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
  await expect(resumed).rejects.toMatchObject({ code: 'ECONNRESET' });
  await expect(compensated).rejects.toMatchObject({ code: 'ECONNRESET' });

  // Instance B, in this process, on the same database: its start-up recovery pass finishes every saga.
  const b = await startInstance();
  const names = ['crash-hold-01', 'crash-hold-fail-01', 'crash-built-01'];
  const final = await until(async () => {
    const states = await Promise.all(names.map((n) => sagaOf(b.vms.db, n)));
    return states.every((s) => s && ['COMPLETED', 'FAILED'].includes(s.state)) ? states.map((s) => s!) : undefined;
  });
  expect(final.map((s) => s.state)).toEqual(['COMPLETED', 'FAILED', 'COMPLETED']);
  const vmIds = final.map((s) => s.vm_id!);
  expect(vmIds[2]).toBe(built.data.provisionVirtualMachine.id);
  await b.vms.provisioning.settle();

  // Exactly one build per VM across both processes: A built the third, B the first two and not the third again.
  expect(buildsByA.map((m) => m.vmId)).toEqual([vmIds[2]]);
  expect([...b.builds].sort()).toEqual([vmIds[0], vmIds[1]].sort());

  // Every VM in its final state, with exactly its two history lines.
  const vmRows = await sql<{ id: string; status: string; power_state: string; ip_address: string | null }>`
    select id, status, power_state, ip_address from virtual_machines where id = any(${vmIds}::uuid[])`.execute(b.vms.db);
  const vmOf = (id: string) => vmRows.rows.find((r) => r.id === id);
  expect(vmRows.rows).toHaveLength(3);
  expect(vmOf(vmIds[0]!)).toMatchObject({ status: 'RUNNING', power_state: 'POWERED_ON', ip_address: expect.stringMatching(/^10\./) });
  expect(vmOf(vmIds[1]!)).toMatchObject({ status: 'ERROR', power_state: 'POWERED_OFF' });
  expect(vmOf(vmIds[2]!)).toMatchObject({ status: 'RUNNING', power_state: 'POWERED_ON', ip_address: expect.stringMatching(/^10\./) });
  const historyOf = async (vmId: string) =>
    (await sql<{ kind: string }>`select kind from vm_events where vm_id = ${vmId} order by id desc`.execute(b.vms.db)).rows.map((r) => r.kind);
  expect(await historyOf(vmIds[0]!)).toEqual(['PROVISIONED', 'PROVISION_REQUESTED']);
  expect(await historyOf(vmIds[1]!)).toEqual(['PROVISION_FAILED', 'PROVISION_REQUESTED']);
  expect(await historyOf(vmIds[2]!)).toEqual(['PROVISIONED', 'PROVISION_REQUESTED']);

  // One hold per VM, released exactly once whether the VM was built or not; no money moved (the bill charges usage).
  const after = await walletOf(p, provider, DEMO_ORGS.protea);
  const holdOf = (vmId: string) => after.holds.filter((h) => h.reference === `vm:${vmId}`).map((h) => ({ status: h.status, amount: h.amount.amount }));
  expect(holdOf(vmIds[0]!)).toEqual([{ status: 'RELEASED', amount: '794.00' }]);
  expect(holdOf(vmIds[1]!)).toEqual([{ status: 'RELEASED', amount: '794.00' }]);
  expect(holdOf(vmIds[2]!)).toEqual([{ status: 'RELEASED', amount: '794.00' }]);
  const postingsOf = async (holdId: string) =>
    (await sql<{ kind: string; amount: string }>`select kind, amount::text as amount from transfers where hold_id = ${holdId}`.execute(p.wallet.db)).rows;
  expect(await postingsOf(final[0]!.hold_id!)).toEqual([]);
  expect(await postingsOf(final[1]!.hold_id!)).toEqual([]);
  expect(await postingsOf(final[2]!.hold_id!)).toEqual([]);
  expect(after.holds.filter((h) => h.status === 'PENDING')).toEqual([]);
  expect(after.available).toBe(before.available);
  await expectLedgerConsistent(p);

  // The client retrying with its key after the crash gets the VM the saga made.
  const retry = await provision(b.url, 'crash-hold-01', 'crash-a');
  expect(retry.data?.provisionVirtualMachine).toMatchObject({ id: vmIds[0], status: 'RUNNING' });
  expect(b.builds).toHaveLength(2); // and nothing is built again
});
