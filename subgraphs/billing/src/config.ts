import { randomBytes } from 'node:crypto';
import { ConfigError, EnvReader, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export interface BillingConfig extends ServiceConfig {
  /** Catalog's GraphQL endpoint (internalPriceSchedule, scope catalog:price). */
  readonly catalogUrl: string;
  /** Vms's GraphQL endpoint (internalInventory, scope vms:read). */
  readonly vmsUrl: string;
  /** How often usage is reconciled against the vms inventory (also once at start). */
  readonly reconcileIntervalMs: number;
  /** Where customers reach billing's invoice route; default: the address billing listens on. */
  readonly publicUrl: string | undefined;
  /** How long a price schedule from catalog is reused for current bills (closes always read it fresh). */
  readonly priceCacheMs: number;
  /** How many (organisation, period) ratings current bills and budgets reuse until usage or prices change (0 = none). */
  readonly ratedUsageCacheSize: number;
  /** How often the close task looks for an ended, unclosed period (and retries settlement). */
  readonly closeIntervalMs: number;
  /** How often the outbox relay looks for new events. */
  readonly outboxIntervalMs: number;
  /** Wallet's GraphQL endpoint: bills (internalDebitForBill, wallet:debit), top-up credits and refunds (wallet:credit), commission (wallet:commission). */
  readonly walletUrl: string;
  /** The payment provider's webhook signing secret (HMAC-SHA256). */
  readonly paymentWebhookSecret: string;
  /** The simulated provider: how long until a checkout completes, and how often it fails (0–100 %). */
  readonly paymentSimulatorDelayMs: number;
  readonly paymentSimulatorFailurePercent: number;
  /** A top-up not paid within this long is EXPIRED by the sweep. */
  readonly topUpTtlMinutes: number;
  /** Bounds of one top-up, in rands. */
  readonly topUpMinRands: number;
  readonly topUpMaxRands: number;
  readonly paymentSweepIntervalMs: number;
  readonly budgetCheckIntervalMs: number;
  /** Tenancy's GraphQL endpoint (internalSuspendOrganization, scope tenancy:write). */
  readonly tenancyUrl: string;
  /** An organisation with a bill UNPAID this many days is suspended through tenancy (0 = never). */
  readonly suspendAfterDays: number;
  /** How often overdue bills are looked for. */
  readonly suspendCheckIntervalMs: number;
  /** How often the previous month's commission statements are (re)computed; approved ones never change. */
  readonly commissionIntervalMs: number;
}

const MIN_SECRET_LENGTH = 32;

/** Read once at boot; a missing or malformed variable stops the process naming it. */
export function readBillingConfig(env: Env = process.env): BillingConfig {
  const r = new EnvReader(env);
  const service = readServiceConfig('billing', 4006, env);
  const topUpMinRands = r.int('TOP_UP_MIN_RANDS', 10, { min: 1, max: 1_000_000 });
  const topUpMaxRands = r.int('TOP_UP_MAX_RANDS', 100_000, { min: 1, max: 1_000_000 });
  if (topUpMaxRands < topUpMinRands) throw new ConfigError('TOP_UP_MAX_RANDS', `must be at least TOP_UP_MIN_RANDS (${topUpMinRands})`);
  return Object.freeze({
    ...service,
    catalogUrl: r.url('CATALOG_URL', 'http://127.0.0.1:4004/graphql'),
    vmsUrl: r.url('VMS_URL', 'http://127.0.0.1:4005/graphql'),
    reconcileIntervalMs: r.int('BILLING_RECONCILE_INTERVAL_MS', 10 * 60_000, { min: 50, max: 86_400_000 }),
    publicUrl: r.optionalUrl('BILLING_PUBLIC_URL'),
    priceCacheMs: r.int('BILLING_PRICE_CACHE_MS', 60_000, { min: 0, max: 3_600_000 }),
    ratedUsageCacheSize: r.int('BILLING_RATED_USAGE_CACHE_SIZE', 500, { min: 0, max: 100_000 }),
    closeIntervalMs: r.int('BILLING_CLOSE_INTERVAL_MS', 15 * 60_000, { min: 50, max: 86_400_000 }),
    outboxIntervalMs: r.int('OUTBOX_INTERVAL_MS', 250, { min: 10, max: 60_000 }),
    walletUrl: r.url('WALLET_URL', 'http://127.0.0.1:4003/graphql'),
    paymentWebhookSecret: webhookSecret(r, service.production),
    paymentSimulatorDelayMs: r.int('PAYMENT_SIMULATOR_DELAY_MS', 3_000, { min: 0, max: 3_600_000 }),
    paymentSimulatorFailurePercent: r.int('PAYMENT_SIMULATOR_FAILURE_PERCENT', 0, { min: 0, max: 100 }),
    topUpTtlMinutes: r.int('TOP_UP_TTL_MINUTES', 60, { min: 1, max: 7 * 24 * 60 }),
    topUpMinRands,
    topUpMaxRands,
    paymentSweepIntervalMs: r.int('PAYMENT_SWEEP_INTERVAL_MS', 30_000, { min: 50, max: 3_600_000 }),
    budgetCheckIntervalMs: r.int('BUDGET_CHECK_INTERVAL_MS', 60_000, { min: 50, max: 86_400_000 }),
    tenancyUrl: r.url('TENANCY_URL', 'http://127.0.0.1:4002/graphql'),
    suspendAfterDays: r.int('BILLING_SUSPEND_AFTER_DAYS', 14, { min: 0, max: 365 }),
    suspendCheckIntervalMs: r.int('BILLING_SUSPEND_CHECK_INTERVAL_MS', 3_600_000, { min: 50, max: 86_400_000 }),
    commissionIntervalMs: r.int('COMMISSION_INTERVAL_MS', 3_600_000, { min: 1_000, max: 86_400_000 }),
  });
}

/** Required in production; elsewhere a fresh random one (the simulator signs with the same config). */
function webhookSecret(r: EnvReader, production: boolean): string {
  const secret = r.optionalString('PAYMENT_WEBHOOK_SECRET');
  if (secret === undefined) {
    if (production) throw new ConfigError('PAYMENT_WEBHOOK_SECRET', 'is required in production');
    return randomBytes(32).toString('base64url');
  }
  if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError('PAYMENT_WEBHOOK_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  return secret;
}
