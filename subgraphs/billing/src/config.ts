import { EnvReader, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export interface BillingConfig extends ServiceConfig {
  /** Catalog's GraphQL endpoint (internalPriceSchedule, scope catalog:price). */
  readonly catalogUrl: string;
  /** Wallet's GraphQL endpoint (internalDebitForBill, scope wallet:debit). */
  readonly walletUrl: string;
  /** Vms's GraphQL endpoint (internalInventory, scope vms:read). */
  readonly vmsUrl: string;
  /** How often usage is reconciled against the vms inventory (also once at start). */
  readonly reconcileIntervalMs: number;
  /** Where customers reach billing's invoice route; default: the address billing listens on. */
  readonly publicUrl: string | undefined;
  /** How long a price schedule from catalog is reused for current bills (closes always read it fresh). */
  readonly priceCacheMs: number;
  /** How often the close task looks for an ended, unclosed period (and retries settlement). */
  readonly closeIntervalMs: number;
  /** How often the outbox relay looks for new events. */
  readonly outboxIntervalMs: number;
}

/** Read once at boot; a missing or malformed variable stops the process naming it. */
export function readBillingConfig(env: Env = process.env): BillingConfig {
  const r = new EnvReader(env);
  return Object.freeze({
    ...readServiceConfig('billing', 4006, env),
    catalogUrl: r.url('CATALOG_URL', 'http://127.0.0.1:4004/graphql'),
    walletUrl: r.url('WALLET_URL', 'http://127.0.0.1:4003/graphql'),
    vmsUrl: r.url('VMS_URL', 'http://127.0.0.1:4005/graphql'),
    reconcileIntervalMs: r.int('BILLING_RECONCILE_INTERVAL_MS', 10 * 60_000, { min: 50, max: 86_400_000 }),
    publicUrl: r.optionalUrl('BILLING_PUBLIC_URL'),
    priceCacheMs: r.int('BILLING_PRICE_CACHE_MS', 60_000, { min: 0, max: 3_600_000 }),
    closeIntervalMs: r.int('BILLING_CLOSE_INTERVAL_MS', 15 * 60_000, { min: 50, max: 86_400_000 }),
    outboxIntervalMs: r.int('OUTBOX_INTERVAL_MS', 250, { min: 10, max: 60_000 }),
  });
}
