import { createLogger, InMemoryEventBus, toMoney } from '@platform/kernel';
import { createTestDatabase, dropTestDatabases, orgTest } from '@platform/testkit';
import {
  createBillingSubgraph,
  readBillingConfig,
  signWebhook,
  SIGNATURE_HEADER,
  webhookBody,
  type BillingPeriod,
  type BillingSubgraph,
  type WalletPayments,
} from '../../src/index.ts';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789-abcdefghijkl';

/** What the billing side asked of the wallet, applied once per idempotency key as the wallet does. */
export class RecordingWallet implements WalletPayments {
  readonly credits = new Map<string, { organizationId: string; amount: string }>();
  readonly refunds = new Map<string, { organizationId: string; amount: string }>();
  readonly commissions = new Map<string, { resellerId: string; amount: string }>();
  calls = 0;
  /** Set to make the next calls fail like an outage (not a refusal). */
  failing = false;

  async creditTopUp(c: Parameters<WalletPayments['creditTopUp']>[0]): Promise<void> {
    this.calls += 1;
    if (this.failing) throw new Error('wallet unreachable');
    if (!this.credits.has(c.topUpId)) this.credits.set(c.topUpId, { organizationId: c.organizationId, amount: toMoney(c.amountMinor).amount });
  }
  async refundTopUp(c: Parameters<WalletPayments['refundTopUp']>[0]): Promise<void> {
    this.calls += 1;
    if (this.failing) throw new Error('wallet unreachable');
    if (!this.refunds.has(c.topUpId)) this.refunds.set(c.topUpId, { organizationId: c.organizationId, amount: toMoney(c.amountMinor).amount });
  }
  async payCommission(c: Parameters<WalletPayments['payCommission']>[0]): Promise<void> {
    this.calls += 1;
    if (this.failing) throw new Error('wallet unreachable');
    if (!this.commissions.has(c.statementId)) this.commissions.set(c.statementId, { resellerId: c.resellerId, amount: toMoney(c.amountMinor).amount });
  }
}

/** Fixed inputs standing in for rating (bill-core's implementations replace them at merge). */
export class FixedSpend {
  /** Accrued this period per organisation (minor units). */
  readonly accrued = new Map<string, bigint>();
  /** Billed revenue per period start (ISO) per organisation. */
  readonly revenue = new Map<string, Map<string, bigint>>();
  readonly accruedCalls: string[][] = [];

  readonly accruedSpend = {
    accruedFor: async (ids: readonly string[], _period: BillingPeriod) => {
      this.accruedCalls.push([...ids]);
      return new Map(ids.filter((id) => this.accrued.has(id)).map((id) => [id, this.accrued.get(id)!]));
    },
  };
  readonly billedRevenue = {
    revenueByOrganization: async (period: BillingPeriod) => this.revenue.get(period.start.toISOString()) ?? new Map<string, bigint>(),
  };
}

export interface RunningPayments {
  readonly url: string;
  readonly baseUrl: string;
  readonly subgraph: BillingSubgraph;
  readonly wallet: RecordingWallet;
  readonly spend: FixedSpend;
  readonly eventBus: InMemoryEventBus;
  /** The subgraph's clock: tests move it. */
  now: Date;
  /** POSTs a webhook body to /webhooks/payments, signed with `secret` at `signedAt` unless a header is given. */
  deliver(body: string, options?: { secret?: string; signedAt?: Date; header?: string | null }): Promise<{ status: number; json: any }>;
}

/** The billing subgraph with a known webhook secret, a simulator that never completes by itself, and in-test ports. */
export const paymentsTest = orgTest.extend<{ payments: RunningPayments }>({
  payments: [
    async ({ auth, tree }, use) => {
      const config = readBillingConfig({
        DATABASE_URL: await createTestDatabase('billing-payments'),
        PORT: '0',
        NODE_ENV: 'test',
        PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PAYMENT_SIMULATOR_DELAY_MS: '3600000',
        TOP_UP_TTL_MINUTES: '30',
        PAYMENT_SWEEP_INTERVAL_MS: '3600000',
        BUDGET_CHECK_INTERVAL_MS: '86400000',
        COMMISSION_INTERVAL_MS: '86400000',
      });
      const wallet = new RecordingWallet();
      const spend = new FixedSpend();
      const eventBus = new InMemoryEventBus();
      const running = { now: new Date() } as RunningPayments;
      const subgraph = createBillingSubgraph(
        config,
        {
          logger: createLogger({ service: 'billing-payments-test' }, 'error'),
          verifyToken: auth.verifyToken,
          orgDirectory: tree.directory,
          eventBus,
          serviceTokens: () => auth.serviceToken('billing', ['tenancy:read']),
        },
        { wallet, accruedSpend: spend.accruedSpend, billedRevenue: spend.billedRevenue, clock: () => running.now },
      );
      const server = await subgraph.start();
      Object.assign(running, {
        url: server.url,
        baseUrl: server.baseUrl,
        subgraph,
        wallet,
        spend,
        eventBus,
        async deliver(body: string, options: { secret?: string; signedAt?: Date; header?: string | null } = {}) {
          const header = options.header === undefined ? signWebhook(options.secret ?? WEBHOOK_SECRET, body, options.signedAt ?? running.now) : options.header;
          const response = await fetch(new URL('/webhooks/payments', server.baseUrl), {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(header === null ? {} : { [SIGNATURE_HEADER]: header }) },
            body,
          });
          const text = await response.text();
          return { status: response.status, json: text ? JSON.parse(text) : null };
        },
      });
      await use(running);
      await subgraph.stop();
      await dropTestDatabases();
    },
    { scope: 'file' },
  ],
});

export { webhookBody };
