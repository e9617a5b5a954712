import { advisoryLocks, defineSubgraph, PeriodicTask, type Database, type SubgraphDeps } from '@platform/kernel';
import type { BillingConfig } from './config.ts';
import type { BillingContext } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { BillingDatabase } from './db/types.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import type { WalletPayments } from './domain/payments.ts';
import type { PaymentProvider } from './domain/payments-provider.ts';
import { createPaymentServices, type PaymentPorts } from './domain/payments-services.ts';
import { previousMonth } from './domain/payments-month.ts';
import { simulatedPaymentProvider } from './domain/payments-simulator.ts';
import { periodBefore } from './domain/period.ts';
import type {
  AccruedSpendSource,
  BilledRevenueSource,
  BillingPeriod,
  InventoryPort,
  PriceSchedulePort,
  SettlementPort,
  SuspensionPort,
} from './domain/ports.ts';
import { createServices } from './domain/services.ts';
import { usageFromVmEvents } from './domain/usage-consumer.ts';
import { invoiceRoute } from './http/invoice-route.ts';
import { paymentWebhookRoute, simulatedCheckoutRoute } from './http/payment-webhook-route.ts';
import { createLoaders } from './loaders.ts';
import { catalogSchedule } from './remote/catalog-schedule.ts';
import { tenancySuspension } from './remote/tenancy-suspension.ts';
import { vmsInventory } from './remote/vms-inventory.ts';
import { walletPayments } from './remote/wallet-payments.ts';
import { walletSettlement } from './remote/wallet-settlement.ts';
import { buildBillingSchema } from './schema.ts';

export { readBillingConfig, type BillingConfig } from './config.ts';
export type { Bill } from './domain/bill.ts';
export type { Clock } from './domain/clock.ts';
export { periodBefore, periodContaining, periodLabel } from './domain/period.ts';
export type {
  AccruedSpendSource,
  BilledRevenueSource,
  BillingPeriod,
  InventoryPort,
  InventoryVm,
  PriceSchedulePort,
  SettlementPort,
  SuspensionPort,
} from './domain/ports.ts';
export type { PriceSchedule, ScheduledPrice } from './domain/rating.ts';
export type { WalletPayments, TopUp } from './domain/payments.ts';
export { type PaymentProvider, type PaymentEvent, type Checkout, type CheckoutRequest, webhookBody } from './domain/payments-provider.ts';
export { signWebhook, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS } from './domain/payments-signature.ts';

export interface BillingOptions {
  /** Defaults to the wall clock; tests pass one they can move across period ends. */
  readonly clock?: Clock;
  /** Defaults to catalog and wallet over HTTP (service tokens from deps). */
  readonly prices?: PriceSchedulePort;
  readonly settlement?: SettlementPort;
  /** Defaults to vms over HTTP (scope vms:read). */
  readonly inventory?: InventoryPort;
  /** Defaults to tenancy over HTTP (internalSuspendOrganization, scope tenancy:write). */
  readonly suspension?: SuspensionPort;
  /** The payment provider; the simulator (PAYMENT_SIMULATOR_*) when absent. */
  readonly paymentProvider?: PaymentProvider;
  /** Replace the wallet's HTTP client for top-ups and commission (tests of billing alone). */
  readonly wallet?: WalletPayments;
  /** What budgets and commission read; billing's own rated bills when absent. */
  readonly accruedSpend?: AccruedSpendSource;
  readonly billedRevenue?: BilledRevenueSource;
  /** Where invoices are downloaded (BILLING_PUBLIC_URL when absent), asked each time: the platform points it at the gateway once that listens. */
  readonly publicUrl?: () => string | undefined;
}

/** The billing subgraph: usage from VM events, rating, bills and their settlement, top-ups, commission and budgets. */
export function createBillingSubgraph(config: BillingConfig, deps: SubgraphDeps, options: BillingOptions = {}) {
  const clock = options.clock ?? systemClock;
  const schedule = catalogSchedule(config.catalogUrl, deps.serviceTokens, config.priceCacheMs);
  let listening = config.publicUrl;
  let baseUrl: string | undefined;
  const paymentPorts: Omit<PaymentPorts, 'accruedSpend' | 'billedRevenue'> = {
    provider:
      options.paymentProvider ??
      simulatedPaymentProvider({
        secret: config.paymentWebhookSecret,
        delayMs: config.paymentSimulatorDelayMs,
        failurePercent: config.paymentSimulatorFailurePercent,
        baseUrl: () => baseUrl,
        logger: deps.logger,
      }),
    wallet: options.wallet ?? walletPayments(config.walletUrl, deps.serviceTokens),
    orgDirectory: deps.orgDirectory,
    logger: deps.logger,
    clock,
  };
  const spend = (bills: AccruedSpendSource & BilledRevenueSource) => ({
    accruedSpend: options.accruedSpend ?? bills,
    billedRevenue: options.billedRevenue ?? bills,
  });
  const subgraph = defineSubgraph({
    name: 'billing',
    place: config,
    deps,
    migrations,
    schema: buildBillingSchema(),
    outbox: config.outboxIntervalMs,
    services: (database: Database<BillingDatabase>) => {
      const services = createServices(
        database.db,
        database.background,
        {
          prices: options.prices ?? schedule,
          freshPrices: options.prices ?? schedule.fresh,
          settlement: options.settlement ?? walletSettlement(config.walletUrl, deps.serviceTokens),
          inventory: options.inventory ?? vmsInventory(config.vmsUrl, deps.serviceTokens),
          suspension: options.suspension ?? tenancySuspension(config.tenancyUrl, deps.serviceTokens),
        },
        (bills, collect) => createPaymentServices(database.db, { ...paymentPorts, ...spend(bills), onCredited: collect }, config),
        clock,
        deps.logger,
        () => options.publicUrl?.() ?? listening ?? `http://${config.host}:${config.port}`,
        config.suspendAfterDays,
        config.ratedUsageCacheSize,
      );
      // Background passes use their own pool, so per-request statement counts stay exact.
      return {
        ...services,
        background: createPaymentServices(database.background, { ...paymentPorts, ...spend(services.bills), onCredited: services.collect }, config),
      };
    },
    context: (base, { background: _background, ...services }): BillingContext => ({ ...base, services, loaders: createLoaders(services) }),
    consumers: (database) => [usageFromVmEvents(database.db, deps.logger)],
    routes: (services) => [
      invoiceRoute(services.bills, deps.verifyToken, deps.orgDirectory),
      paymentWebhookRoute(services.topUps, deps.logger),
      simulatedCheckoutRoute(),
    ],
    // Singleton work: with several replicas, each pass runs on whichever holds its advisory lock.
    tasks: (database, services) => {
      const singleton = advisoryLocks(database.background);
      return [
        // At start, then on an interval: VMs with no events (seeded, imported) and missed events.
        new PeriodicTask({
          name: 'billing reconciliation',
          intervalMs: config.reconcileIntervalMs,
          firstDelayMs: 0,
          logger: deps.logger,
          singleton,
          run: async () => {
            const { added, repaired } = await services.reconciliation.run();
            return added + repaired;
          },
        }),
        // Closes the month that ended (a no-op once closed), retries settlement of unpaid bills and lifts the suspensions paid bills caused.
        new PeriodicTask({
          name: 'billing period close',
          intervalMs: config.closeIntervalMs,
          logger: deps.logger,
          singleton,
          run: async () => {
            const closed = await services.bills.close(periodBefore(clock()));
            await services.collect();
            return closed.issued;
          },
        }),
        // Organisations whose bills stay unpaid past BILLING_SUSPEND_AFTER_DAYS are suspended through tenancy.
        new PeriodicTask({
          name: 'overdue suspension',
          intervalMs: config.suspendCheckIntervalMs,
          logger: deps.logger,
          singleton,
          run: () => services.overdue.run(),
        }),
        new PeriodicTask({
          name: 'top-up sweep',
          intervalMs: config.paymentSweepIntervalMs,
          logger: deps.logger,
          singleton,
          run: () => services.background.topUps.sweep(),
        }),
        new PeriodicTask({
          name: 'budget thresholds',
          intervalMs: config.budgetCheckIntervalMs,
          logger: deps.logger,
          singleton,
          run: () => services.background.budgets.check(),
        }),
        new PeriodicTask({
          name: 'commission statements',
          intervalMs: config.commissionIntervalMs,
          logger: deps.logger,
          singleton,
          run: () => services.background.commission.compute(previousMonth(clock())),
        }),
      ];
    },
    stopServices: async () => {
      await paymentPorts.provider.stop?.();
    },
  });
  return {
    ...subgraph,
    async start() {
      const server = await subgraph.start();
      baseUrl = server.baseUrl;
      listening ??= server.baseUrl;
      return server;
    },
    /** The close for one period now (the task runs it at month end). */
    closePeriod: (period: BillingPeriod) => subgraph.services.bills.close(period),
    /** One overdue-suspension pass now (the task runs it on an interval). */
    suspendOverdue: () => subgraph.services.overdue.run(),
    /** One collection pass now: settle unpaid bills (of one organisation, or all), then lift the suspensions paid bills caused. */
    collect: (organizationId?: string) => subgraph.services.collect(organizationId),
    /** One reconciliation pass now (the task runs it at start and on an interval). */
    reconcile: () => subgraph.services.reconciliation.run(),
    /** In-process ports for the rest of billing (commission, budgets). */
    accruedSpend: subgraph.services.bills,
    billedRevenue: subgraph.services.bills,
  };
}

export type BillingSubgraph = ReturnType<typeof createBillingSubgraph>;
