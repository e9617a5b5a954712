import { badInput, createLogger, InMemoryEventBus, newId, ServiceRefusal, type Role } from '@platform/kernel';
import { StatementCounter } from '@platform/kernel/testing';
import { createTestDatabase, dropTestDatabases, gql, orgTest, tokenAs, type StandardTree, type TestAuth } from '@platform/testkit';
import { sql, type Kysely } from 'kysely';
import { readVmsConfig } from '../../src/config.ts';
import type { VmsDatabase } from '../../src/db/types.ts';
import { insertVmsIgnoringExisting } from '../../src/db/vm-repository.ts';
import type { PricingPort, WalletPort } from '../../src/domain/ports.ts';
import type { Vm } from '../../src/domain/vm.ts';
import { createVmsSubgraph } from '../../src/index.ts';
import { scriptedCompute } from '../../src/testing/scripted-compute.ts';

const logger = createLogger({ service: 'vms-test' }, 'error');

/**
 * Stand-ins for catalog and wallet (the whole-platform tests use the real ones): list prices of DESIGN §6
 * (vCPU R155, RAM R38/GB, R180 per started 100 GB block) and a wallet with R 10,000 available per
 * organisation (`funds` changes it) that records its holds and what became of them.
 */
export const listPricing: PricingPort = {
  price: async (subject) => {
    if (!('spec' in subject)) throw new Error('products are not priced in this test');
    const { vcpu, memoryGib, diskGib } = subject.spec;
    return {
      monthlyMinor: BigInt(vcpu * 15500 + memoryGib * 3800 + Math.ceil(diskGib / 100) * 18000),
      currency: 'ZAR',
      spec: subject.spec,
      included: { licences: [], addOns: [] },
    };
  },
  // The whole-platform tests check the real catalog's answers; here, its three extras at list price.
  priceExtras: async ({ licences, addOns }) => {
    const known: Record<string, readonly [string, bigint]> = {
      'LIC-WIN-SRV': ['LICENCE', 8900n],
      'ADD-BACKUP': ['ADD_ON', 4500n],
      'ADD-MONITOR': ['ADD_ON', 2500n],
    };
    let monthlyMinor = 0n;
    const each = (skus: readonly string[], kind: string, field: string) =>
      skus.forEach((sku, i) => {
        const [k, price] = known[sku] ?? [];
        if (k !== kind) throw badInput(`${field}[${i}]`, `no ${kind} product has SKU ${sku}.`);
        monthlyMinor += price!;
      });
    each(licences, 'LICENCE', 'licences');
    each(addOns, 'ADD_ON', 'addOns');
    return { monthlyMinor, currency: 'ZAR' };
  },
};

export interface TestHold {
  readonly id: string;
  readonly organizationId: string;
  readonly amountMinor: bigint;
  status: 'PENDING' | 'RELEASED';
}

function testWallet() {
  const funds = new Map<string, bigint>();
  const holds = new Map<string, TestHold>();
  const byKey = new Map<string, TestHold>();
  const available = (org: string) =>
    (funds.get(org) ?? 1_000_000n) -
    [...holds.values()].filter((h) => h.organizationId === org && h.status !== 'RELEASED').reduce((a, h) => a + h.amountMinor, 0n);
  const port: WalletPort = {
    async placeHold(h) {
      const known = byKey.get(h.idempotencyKey);
      if (known) return { id: known.id, status: known.status };
      if (available(h.organizationId) < h.amountMinor) throw new ServiceRefusal('INSUFFICIENT_FUNDS', 'The wallet does not hold enough for this.', {});
      const hold: TestHold = { id: newId(), organizationId: h.organizationId, amountMinor: h.amountMinor, status: 'PENDING' };
      holds.set(hold.id, hold);
      byKey.set(h.idempotencyKey, hold);
      return { id: hold.id, status: hold.status };
    },
    async releaseHold(id) {
      const hold = holds.get(id)!;
      hold.status = 'RELEASED';
      return { id, status: hold.status };
    },
  };
  return { port, holds, funds, available };
}

/**
 * The vms subgraph alone, in-process on port 0, over the standard tree plus customerA2, a sibling
 * of customerA (what a sibling may see is part of the tenancy rule).
 */
async function startVms(auth: TestAuth, tree: StandardTree, env: Readonly<Record<string, string>> = {}) {
  const { directory, provider, resellerA, resellerB, customerA, customerB, directCustomer } = tree;
  const orgs = { provider, resellerA, resellerB, customerA, customerA2: directory.add(newId(), 'CUSTOMER', resellerA), customerB, directCustomer };
  const statements = new StatementCounter();
  const wallet = testWallet();
  const compute = scriptedCompute();
  const subgraph = createVmsSubgraph(
    // The no-data scan runs only when a test calls it (alerts-no-data.test.ts).
    readVmsConfig({ DATABASE_URL: await createTestDatabase('vms'), PORT: '0', NODE_ENV: 'test', VMS_ALERT_SCAN_MS: '3600000', ...env }),
    {
      logger,
      verifyToken: auth.verifyToken,
      orgDirectory: directory,
      eventBus: new InMemoryEventBus(),
      serviceTokens: async () => auth.serviceToken('vms', ['tenancy:read', 'catalog:price', 'wallet:hold']),
      onQuery: statements.record,
    },
    { compute: compute.provider, pricing: listPricing, wallet: wallet.port },
  );
  const server = await subgraph.start();
  const pathOf = async (orgId: string) => [...((await directory.lookup([orgId])).get(orgId)?.ancestors ?? []), orgId];
  let n = 0;
  return {
    subgraph,
    db: subgraph.db,
    wallet,
    compute,
    /** http://host:port of the subgraph (its non-GraphQL routes). */
    baseUrl: server.baseUrl,
    orgs,
    statements,
    user: (org: string, role: Role) => tokenAs(auth, org, role),
    call: (query: string, variables: Record<string, unknown> = {}, token?: string) => gql(server.url, query, variables, token ? { token } : {}),
    /** Inserts VMs straight into the inventory (each call's VMs a few ms newer than the last call's). */
    async addVms(orgId: string, count: number, overrides: Partial<Vm> = {}): Promise<Vm[]> {
      const orgPath = await pathOf(orgId);
      const vms = Array.from({ length: count }, (): Vm => {
        n += 1;
        const at = new Date(Date.UTC(2026, 0, 1) + n * 1000);
        return {
          id: newId(),
          organizationId: orgId,
          orgPath,
          name: `vm-${String(n).padStart(4, '0')}`,
          productId: null,
          spec: { vcpu: 2, cpuSpeed: 'STANDARD', memoryMib: 4096, diskGib: 100, storageTier: 'STANDARD' },
          guestOs: 'UBUNTU_64',
          licences: [],
          addOns: [],
          powerState: 'POWERED_ON',
          status: 'RUNNING',
          statusReason: null,
          ipAddress: '10.0.0.2',
          resourcePool: 'rp-test',
          instanceUuid: null,
          createdAt: at,
          updatedAt: at,
          ...overrides,
        };
      });
      await insertVmsIgnoringExisting(subgraph.db, vms);
      return vms;
    },
  };
}

export type RunningVms = Awaited<ReturnType<typeof startVms>>;
export type VmsOrg = keyof RunningVms['orgs'];

/** `vms` with these environment variables on top of the test defaults: one subgraph per test file, its database dropped afterwards. */
export const vmsTestWith = (env: Readonly<Record<string, string>>) =>
  orgTest.extend<{ vms: RunningVms }>({
    vms: [
      async ({ auth, tree }, use) => {
        const vms = await startVms(auth, tree, env);
        await use(vms);
        await vms.subgraph.stop();
        await dropTestDatabases();
      },
      { scope: 'file' },
    ],
  });

/** `vms`: the running subgraph, one per test file, its database dropped afterwards. */
export const vmsTest = vmsTestWith({});

export async function countRows(db: Kysely<VmsDatabase>, table: 'virtual_machines' | 'vm_events' | 'outbox' | 'provision_sagas'): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
