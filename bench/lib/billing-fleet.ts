import { createLogger, InMemoryEventBus, newId } from '@platform/kernel';
import { createTestAuth, StatementCounter, TestOrgTree } from '@platform/kernel/testing';
import { createBillingSubgraph, readBillingConfig, type InventoryVm, type PriceSchedule, type ScheduledPrice } from '@platform/billing';
import type { BenchDatabases } from './bench-database.ts';

/** DESIGN §6 list prices from 2026-01-01, a price rise for vCPUs on 2026-10-16 (lines split), VAT 15 %. */
export function listPriceSchedule(): PriceSchedule {
  const p = (monthlyMinor: bigint, from = '2026-01-01T00:00:00Z'): ScheduledPrice => ({ productId: newId(), monthlyMinor, effectiveFrom: new Date(from) });
  return {
    currency: 'ZAR',
    prices: new Map([
      ['CPU-STD-VCPU', [p(15500n), p(16200n, '2026-10-16T00:00:00Z')]],
      ['CPU-ECO-VCPU', [p(7800n)]],
      ['RAM-GIB', [p(3800n)]],
      ['STO-STD-100G', [p(18000n)]],
      ['STO-PRM-100G', [p(27500n)]],
    ]),
    vatRates: [{ basisPoints: 1500, effectiveFrom: new Date('2020-01-01T00:00:00Z') }],
  };
}

/** The demo fleet's shape: 3,260 VMs over 9 customers, the largest with 1,200. */
export const FLEET = [1200, 600, 400, 300, 250, 200, 150, 100, 60];

/**
 * Billing alone on port 0 with the fleet as the vms inventory would report it (created in September,
 * every fifth VM stopped), reconciled, plus a power-off and power-on event for every tenth VM in October.
 */
export async function billingWithFleet(dbs: BenchDatabases, now: () => Date, env: Record<string, string> = {}) {
  const auth = await createTestAuth();
  const tree = new TestOrgTree();
  const provider = tree.add(newId(), 'PROVIDER');
  const reseller = tree.add(newId(), 'RESELLER', provider);
  const customers = FLEET.map(() => tree.add(newId(), 'CUSTOMER', reseller));
  const inventory: InventoryVm[] = [];
  customers.forEach((organizationId, c) => {
    for (let i = 0; i < FLEET[c]!; i++) {
      const stopped = i % 5 === 4;
      inventory.push({
        id: newId(),
        organizationId,
        productId: null,
        status: stopped ? 'STOPPED' : 'RUNNING',
        powerState: stopped ? 'POWERED_OFF' : 'POWERED_ON',
        vcpu: 1 + (i % 8),
        cpuSpeed: i % 3 === 0 ? 'ECONOMY' : 'STANDARD',
        memoryMib: 1024 * (2 + (i % 16)),
        diskGib: 40 + (i % 10) * 60,
        storageTier: i % 4 === 0 ? 'PREMIUM' : 'STANDARD',
        createdAt: new Date(Date.UTC(2026, 8, 1 + (i % 28), i % 24)),
      });
    }
  });
  inventory.sort((a, b) => (a.id < b.id ? -1 : 1));
  const counter = new StatementCounter();
  const schedule = listPriceSchedule();
  const eventBus = new InMemoryEventBus();
  const billing = createBillingSubgraph(
    readBillingConfig({
      DATABASE_URL: await dbs.database('billing'),
      PORT: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      BILLING_CLOSE_INTERVAL_MS: '86400000',
      BILLING_RECONCILE_INTERVAL_MS: '86400000',
      // Production posture requires a webhook secret; the benches never receive a webhook.
      PAYMENT_WEBHOOK_SECRET: 'bench-webhook-secret-not-used-0123456789',
      ...env,
    }),
    {
      logger: createLogger({ service: 'billing-bench' }, 'error'),
      verifyToken: auth.verifyToken,
      orgDirectory: tree,
      eventBus,
      serviceTokens: async () => auth.serviceToken('billing', []),
      onQuery: counter.record,
    },
    {
      clock: now,
      // One schedule object, as catalog's client keeps it for BILLING_PRICE_CACHE_MS (its product ids stay put).
      prices: { scheduleFor: async () => schedule },
      settlement: { settle: async () => ({ kind: 'PAID', transactionId: newId() }) },
      inventory: { page: async (after, first) => inventory.filter((vm) => !after || vm.id > after).slice(0, first) },
    },
  );
  const server = await billing.start();
  await billing.reconcile();
  const events = inventory
    .filter((_, i) => i % 10 === 0)
    .flatMap((vm) => {
      const payload = (status: 'RUNNING' | 'STOPPED', at: string) => ({
        vmId: vm.id,
        organizationId: vm.organizationId,
        productId: null,
        status,
        powerState: status === 'RUNNING' ? ('POWERED_ON' as const) : ('POWERED_OFF' as const),
        spec: { vcpu: vm.vcpu, cpuSpeed: vm.cpuSpeed as 'STANDARD', memoryMib: vm.memoryMib, diskGib: vm.diskGib, storageTier: vm.storageTier as 'STANDARD' },
        at,
      });
      return [
        { id: newId(), topic: 'vms.vm.powered_off', payload: payload('STOPPED', '2026-10-10T08:00:00Z'), occurredAt: '2026-10-10T08:00:00Z' },
        { id: newId(), topic: 'vms.vm.powered_on', payload: payload('RUNNING', '2026-10-12T17:30:00Z'), occurredAt: '2026-10-12T17:30:00Z' },
      ];
    });
  await eventBus.publish(events);
  return { billing, server, auth, tree, provider, customers, inventory, counter, eventCount: events.length };
}
