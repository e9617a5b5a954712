import { EnvReader, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export interface CatalogConfig extends ServiceConfig {
  /** How long a DRAFT quote can be accepted. */
  readonly quoteValidityDays: number;
  /** How often drafts past their validity are recorded as EXPIRED (reads treat them as expired at once). */
  readonly quoteSweepIntervalMs: number;
  readonly outboxIntervalMs: number;
}

export function readCatalogConfig(env: Env = process.env): CatalogConfig {
  const r = new EnvReader(env);
  return Object.freeze({
    ...readServiceConfig('catalog', 4004, env),
    quoteValidityDays: r.int('QUOTE_VALIDITY_DAYS', 30, { min: 1, max: 365 }),
    quoteSweepIntervalMs: r.int('QUOTE_SWEEP_INTERVAL_MS', 60_000, { min: 100, max: 86_400_000 }),
    outboxIntervalMs: r.int('OUTBOX_INTERVAL_MS', 250, { min: 10, max: 3_600_000 }),
  });
}
