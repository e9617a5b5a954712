import { defineSubgraph, PeriodicTask, type Database, type SubgraphDeps } from '@platform/kernel';
import type { BillingConfig } from './config.ts';
import type { BillingContext } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { BillingDatabase } from './db/types.ts';
import type { WalletPayments } from './domain/payments.ts';
import type { PaymentProvider } from './domain/payments-provider.ts';
import { createPaymentServices, type PaymentPorts, unwiredSpendSources } from './domain/payments-services.ts';
import { previousMonth } from './domain/payments-month.ts';
import { simulatedPaymentProvider } from './domain/payments-simulator.ts';
import type { AccruedSpendSource, BilledRevenueSource } from './domain/ports.ts';
import { createServices } from './domain/services.ts';
import { paymentWebhookRoute, simulatedCheckoutRoute } from './http/payment-webhook-route.ts';
import { createLoaders } from './loaders.ts';
import { walletPayments } from './remote/wallet-payments.ts';
import { buildBillingSchema } from './schema.ts';

export { readBillingConfig, type BillingConfig } from './config.ts';
export type { Note } from './domain/note.ts';
export type { AccruedSpendSource, BilledRevenueSource, BillingPeriod } from './domain/ports.ts';
export type { WalletPayments, TopUp } from './domain/payments.ts';
export { type PaymentProvider, type PaymentEvent, type Checkout, type CheckoutRequest, webhookBody } from './domain/payments-provider.ts';
export { signWebhook, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS } from './domain/payments-signature.ts';

export interface BillingOptions {
  /** The payment provider; the simulator (PAYMENT_SIMULATOR_*) when absent. */
  readonly paymentProvider?: PaymentProvider;
  /** Replace the wallet's HTTP client (tests of billing alone). */
  readonly wallet?: WalletPayments;
  /** What budgets and commission read from rating; fail loudly until wired. */
  readonly accruedSpend?: AccruedSpendSource;
  readonly billedRevenue?: BilledRevenueSource;
  readonly clock?: () => Date;
}

/** The billing subgraph as a declaration; defineSubgraph orders start() and stop(). */
export function createBillingSubgraph(config: BillingConfig, deps: SubgraphDeps, options: BillingOptions = {}) {
  let baseUrl: string | undefined;
  const ports: PaymentPorts = {
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
    accruedSpend: options.accruedSpend ?? unwiredSpendSources.accruedSpend,
    billedRevenue: options.billedRevenue ?? unwiredSpendSources.billedRevenue,
    orgDirectory: deps.orgDirectory,
    logger: deps.logger,
    clock: options.clock,
  };
  const subgraph = defineSubgraph({
    name: 'billing',
    place: config,
    deps,
    migrations,
    schema: buildBillingSchema(),
    outbox: config.outboxIntervalMs,
    services: (database: Database<BillingDatabase>) => ({
      ...createServices(database.db, createPaymentServices(database.db, ports, config)),
      // Background passes use their own pool, so per-request statement counts stay exact.
      background: createPaymentServices(database.background, ports, config),
    }),
    context: (base, services): BillingContext => ({ ...base, services, loaders: createLoaders(services) }),
    routes: (services) => [paymentWebhookRoute(services.topUps, deps.logger), simulatedCheckoutRoute()],
    tasks: (_database, { background }) => {
      // Budgets and commission read rating's figures; until a source is wired their passes would only fail.
      if (!options.accruedSpend || !options.billedRevenue) deps.logger.warn('billing: spend sources not wired; budget and commission passes are off');
      return [
        new PeriodicTask({ name: 'top-up sweep', intervalMs: config.paymentSweepIntervalMs, logger: deps.logger, run: () => background.topUps.sweep() }),
        ...(options.accruedSpend
          ? [
              new PeriodicTask({
                name: 'budget thresholds',
                intervalMs: config.budgetCheckIntervalMs,
                logger: deps.logger,
                run: () => background.budgets.check(),
              }),
            ]
          : []),
        ...(options.billedRevenue
          ? [
              new PeriodicTask({
                name: 'commission statements',
                intervalMs: config.commissionIntervalMs,
                logger: deps.logger,
                run: () => background.commission.compute(previousMonth(options.clock?.() ?? new Date())),
              }),
            ]
          : []),
      ];
    },
    stopServices: async () => {
      await ports.provider.stop?.();
    },
  });
  return {
    ...subgraph,
    async start() {
      const server = await subgraph.start();
      baseUrl = server.baseUrl;
      return server;
    },
  };
}

export type BillingSubgraph = ReturnType<typeof createBillingSubgraph>;
