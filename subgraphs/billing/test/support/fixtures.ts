import type { VmChanged } from '@platform/events';
import { createLogger, InMemoryEventBus, newId, type Role } from '@platform/kernel';
import { StatementCounter } from '@platform/kernel/testing';
import { createTestDatabase, dropTestDatabases, gql, orgTest, tokenAs, type StandardTree, type TestAuth } from '@platform/testkit';
import { sql } from 'kysely';
import type { InventoryVm, PriceSchedulePort, SettlementOutcome, SettlementPort, SuspensionPort } from '../../src/domain/ports.ts';
import type { PriceSchedule, ScheduledPrice, ScheduledVatRate } from '../../src/domain/rating.ts';
import { createBillingSubgraph, readBillingConfig, type BillingSubgraph } from '../../src/index.ts';

const logger = createLogger({ service: 'billing-test' }, 'error');
const at = (iso: string) => new Date(iso);

/** Catalog's component, licence and add-on SKUs at DESIGN §6 list prices from 2026-01-01, VAT 15 %: tests add changes. */
export function listPrices() {
  const prices = new Map<string, ScheduledPrice[]>([
    ['CPU-STD-VCPU', [{ productId: newId(), monthlyMinor: 15500n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
    ['CPU-ECO-VCPU', [{ productId: newId(), monthlyMinor: 7800n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
    ['RAM-GIB', [{ productId: newId(), monthlyMinor: 3800n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
    ['STO-STD-100G', [{ productId: newId(), monthlyMinor: 18000n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
    ['STO-PRM-100G', [{ productId: newId(), monthlyMinor: 27500n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
    ['LIC-WIN-SRV', [{ productId: newId(), monthlyMinor: 8900n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
    ['ADD-BACKUP', [{ productId: newId(), monthlyMinor: 4500n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
    ['ADD-MONITOR', [{ productId: newId(), monthlyMinor: 2500n, effectiveFrom: at('2026-01-01T00:00:00Z') }]],
  ]);
  const vatRates: ScheduledVatRate[] = [{ basisPoints: 1500, effectiveFrom: at('2020-01-01T00:00:00Z') }];
  let calls = 0;
  const port: PriceSchedulePort = {
    async scheduleFor(from, to): Promise<PriceSchedule> {
      calls += 1;
      const window = <T extends { effectiveFrom: Date }>(list: readonly T[]) => {
        const before = list.filter((p) => p.effectiveFrom <= from).at(-1);
        return [...(before ? [before] : []), ...list.filter((p) => p.effectiveFrom > from && p.effectiveFrom < to)];
      };
      return { currency: 'ZAR', prices: new Map([...prices].map(([sku, list]) => [sku, window(list)])), vatRates: window(vatRates) };
    },
  };
  return {
    port,
    prices,
    vatRates,
    get calls() {
      return calls;
    },
  };
}

/** Wallet stand-in: funds per organisation (default R 100,000), debits recorded once per bill id like the real one. */
export function testWallet() {
  const funds = new Map<string, bigint>();
  const debits = new Map<string, { organizationId: string; amountMinor: bigint; transactionId: string }>();
  let down = false;
  const port: SettlementPort = {
    async settle(bill): Promise<SettlementOutcome> {
      if (down) throw new Error('wallet unreachable');
      const known = debits.get(bill.id);
      if (known) return { kind: 'PAID', transactionId: known.transactionId };
      const available = funds.get(bill.organizationId) ?? 10_000_000n;
      if (available < bill.totalMinor) return { kind: 'REFUSED', code: 'INSUFFICIENT_FUNDS', message: 'The wallet does not hold enough for this.' };
      funds.set(bill.organizationId, available - bill.totalMinor);
      const transactionId = newId();
      debits.set(bill.id, { organizationId: bill.organizationId, amountMinor: bill.totalMinor, transactionId });
      return { kind: 'PAID', transactionId };
    },
  };
  return {
    port,
    funds,
    debits,
    setDown(value: boolean) {
      down = value;
    },
  };
}

/**
 * Tenancy stand-in for the overdue policy: records each suspension and resumption asked for and keeps each
 * organisation's status like tenancy (a suspension by a person is not lifted by billing); can be made
 * unreachable, or slow (`delayMs`, to widen races).
 */
export function testTenancy() {
  const suspensions: { organizationId: string; reason: string }[] = [];
  const resumptions: { organizationId: string; reason: string }[] = [];
  /** SUSPENDED organisations: by billing ('service') or by a person ('person'). */
  const suspended = new Map<string, 'service' | 'person'>();
  let down = false;
  let delayMs = 0;
  const pause = () => (delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve());
  const port: SuspensionPort = {
    async suspend(organizationId, reason) {
      await pause();
      if (down) throw new Error('tenancy unreachable');
      suspensions.push({ organizationId, reason });
      if (!suspended.has(organizationId)) suspended.set(organizationId, 'service');
    },
    async resume(organizationId, reason) {
      await pause();
      if (down) throw new Error('tenancy unreachable');
      if (suspended.get(organizationId) !== 'service') return false;
      suspended.delete(organizationId);
      resumptions.push({ organizationId, reason });
      return true;
    },
  };
  return {
    port,
    suspensions,
    resumptions,
    statusOf: (organizationId: string) => (suspended.has(organizationId) ? 'SUSPENDED' : 'ACTIVE'),
    suspendByPerson: (organizationId: string) => suspended.set(organizationId, 'person'),
    setDown(value: boolean) {
      down = value;
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
  };
}

export interface VmEventInput {
  readonly vmId: string;
  readonly organizationId: string;
  readonly at: string;
  readonly status?: VmChanged['status'];
  readonly powerState?: VmChanged['powerState'];
  readonly vcpu?: number;
  readonly memoryMib?: number;
  readonly diskGib?: number;
  /** Left out, the event carries no lists (as events from before VMs had licences). */
  readonly licences?: readonly string[];
  readonly addOns?: readonly string[];
  readonly id?: string;
  readonly topic?: string;
}

/** The billing subgraph on port 0 with a movable clock, catalog and wallet stand-ins, and an in-memory bus. */
export type RunningBilling = Awaited<ReturnType<typeof startBilling>>;

export const billingTest = orgTest.extend<{ billing: RunningBilling }>({
  billing: [
    async ({ auth, tree }, use) => {
      const running = await startBilling(auth, tree);
      await use(running);
      await running.subgraph.stop();
      await dropTestDatabases();
    },
    { scope: 'file' },
  ],
});

async function startBilling(auth: TestAuth, tree: StandardTree) {
  let now = at('2026-11-15T12:00:00Z');
  const statements = new StatementCounter();
  const prices = listPrices();
  const wallet = testWallet();
  const tenancy = testTenancy();
  const eventBus = new InMemoryEventBus();
  /** What the vms inventory stand-in reports (tests push VMs into it). */
  const inventory: InventoryVm[] = [];
  const subgraph: BillingSubgraph = createBillingSubgraph(
    readBillingConfig({
      DATABASE_URL: await createTestDatabase('billing'),
      PORT: '0',
      NODE_ENV: 'test',
      BILLING_CLOSE_INTERVAL_MS: '3600000',
      BILLING_SUSPEND_AFTER_DAYS: '14',
    }),
    {
      logger,
      verifyToken: auth.verifyToken,
      orgDirectory: tree.directory,
      eventBus,
      serviceTokens: () => auth.serviceToken('billing', ['tenancy:read']),
      onQuery: statements.record,
    },
    {
      clock: () => now,
      prices: prices.port,
      settlement: wallet.port,
      suspension: tenancy.port,
      inventory: {
        page: async (after, first) =>
          inventory
            .filter((vm) => !after || vm.id > after)
            .sort((a, b) => (a.id < b.id ? -1 : 1))
            .slice(0, first),
      },
    },
  );
  const server = await subgraph.start();
  return {
    subgraph,
    url: server.url,
    baseUrl: server.baseUrl,
    statements,
    prices,
    wallet,
    tenancy,
    eventBus,
    inventory,
    setNow(iso: string) {
      now = at(iso);
    },
    user: (org: string, role: Role) => tokenAs(auth, org, role),
    call: (query: string, variables: Record<string, unknown> = {}, token?: string) => gql(server.url, query, variables, token ? { token } : {}),
    /** Publishes a VM lifecycle event as vms would (returns its id). */
    async publish(e: VmEventInput): Promise<string> {
      const id = e.id ?? newId();
      const status = e.status ?? 'RUNNING';
      const payload: VmChanged = {
        vmId: e.vmId,
        organizationId: e.organizationId,
        productId: null,
        status,
        powerState: e.powerState ?? (status === 'RUNNING' ? 'POWERED_ON' : 'POWERED_OFF'),
        spec: { vcpu: e.vcpu ?? 2, cpuSpeed: 'STANDARD', memoryMib: e.memoryMib ?? 4096, diskGib: e.diskGib ?? 100, storageTier: 'STANDARD' },
        at: e.at,
        ...(e.licences ? { licences: e.licences } : {}),
        ...(e.addOns ? { addOns: e.addOns } : {}),
      };
      await eventBus.publish([{ id, topic: e.topic ?? (status === 'RUNNING' ? 'vms.vm.powered_on' : 'vms.vm.powered_off'), payload, occurredAt: e.at }]);
      return id;
    },
    /** How many observations billing has recorded (the consumer is asynchronous). */
    async observationCount(): Promise<number> {
      const { rows } = await sql<{ n: string }>`select count(*) as n from vm_observations`.execute(subgraph.db);
      return Number(rows[0]!.n);
    },
    /** Events billing wrote to its outbox, of one topic. */
    async outbox(topic: string): Promise<Record<string, unknown>[]> {
      const { rows } = await sql<{ payload: Record<string, unknown> }>`select payload from outbox where topic = ${topic} order by id`.execute(subgraph.db);
      return rows.map((r) => r.payload);
    },
    addCustomer: (parent: string) => tree.directory.add(newId(), 'CUSTOMER', parent),
  };
}
