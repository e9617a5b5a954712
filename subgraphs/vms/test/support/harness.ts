import { createLogger, InMemoryEventBus, newId, type Role } from '@platform/kernel';
import { StatementCounter } from '@platform/kernel/testing';
import { createTestAuth, createTestDatabase, gql, TestOrgTree } from '@platform/testkit';
import { sql, type Kysely } from 'kysely';
import { readVmsConfig } from '../../src/config.ts';
import type { VmsDatabase } from '../../src/db/types.ts';
import { insertVmsIgnoringExisting } from '../../src/db/vm-repository.ts';
import type { PricingPort, WalletPort } from '../../src/domain/ports.ts';
import type { Vm } from '../../src/domain/vm.ts';
import { createVmsSubgraph } from '../../src/index.ts';
import { scriptedCompute } from '../../src/testing/scripted-compute.ts';

export const logger = createLogger({ service: 'vms-test' }, 'error');

/** Pricing and wallet that must not be reached: standalone tests exercise everything but provisioning. */
const unreachable = (what: string) => () => Promise.reject(new Error(`${what} is not available in this test`));
const noPricing: PricingPort = { price: unreachable('pricing') };
const noWallet: WalletPort = { placeHold: unreachable('wallet'), captureHold: unreachable('wallet'), releaseHold: unreachable('wallet') };

/**
 * The vms subgraph alone, in-process on port 0, with real tokens and an in-memory organisation tree:
 * provider → resellers A, B → customers A1, A2 (of A), B1 (of B), and a direct customer.
 */
export async function startVms(label: string) {
  const url = await createTestDatabase(label);
  const auth = await createTestAuth();
  const tree = new TestOrgTree();
  const provider = tree.add(newId(), 'PROVIDER');
  const resellerA = tree.add(newId(), 'RESELLER', provider);
  const resellerB = tree.add(newId(), 'RESELLER', provider);
  const orgs = {
    provider,
    resellerA,
    resellerB,
    customerA1: tree.add(newId(), 'CUSTOMER', resellerA),
    customerA2: tree.add(newId(), 'CUSTOMER', resellerA),
    customerB1: tree.add(newId(), 'CUSTOMER', resellerB),
    direct: tree.add(newId(), 'CUSTOMER', provider),
  };
  const statements = new StatementCounter();
  const compute = scriptedCompute();
  const subgraph = createVmsSubgraph(
    readVmsConfig({ DATABASE_URL: url, PORT: '0', NODE_ENV: 'test' }),
    {
      logger,
      verifyToken: auth.verifyToken,
      orgDirectory: tree,
      eventBus: new InMemoryEventBus(),
      serviceTokens: async () => auth.serviceToken('vms', ['tenancy:read', 'catalog:price', 'wallet:hold']),
      onQuery: statements.record,
    },
    { compute: compute.provider, pricing: noPricing, wallet: noWallet },
  );
  const server = await subgraph.start();
  const pathOf = async (orgId: string) => [...((await tree.lookup([orgId])).get(orgId)?.ancestors ?? []), orgId];
  let n = 0;
  return {
    url: server.url,
    subgraph,
    db: subgraph.db as Kysely<VmsDatabase>,
    auth,
    orgs,
    statements,
    user: (org: string, role: Role) => auth.userToken({ sub: newId(), org, role }),
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
    stop: () => subgraph.stop(),
  };
}

export type VmsHarness = Awaited<ReturnType<typeof startVms>>;

export async function countRows(db: Kysely<VmsDatabase>, table: 'virtual_machines' | 'vm_events' | 'outbox' | 'provision_sagas'): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export const VM_FIELDS = 'id name status powerState guestOs ipAddress spec { vcpu memoryMib diskGib storageTier cpuSpeed } organization { id } product { id }';
