import { EnvReader, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export interface BillingConfig extends ServiceConfig {
  /** How often the outbox relay looks for new events. */
  readonly outboxIntervalMs: number;
}

/** Read once at boot; a missing or malformed variable stops the process naming it. */
export function readBillingConfig(env: Env = process.env): BillingConfig {
  const r = new EnvReader(env);
  return Object.freeze({
    ...readServiceConfig('billing', 4006, env),
    outboxIntervalMs: r.int('OUTBOX_INTERVAL_MS', 250, { min: 10, max: 60_000 }),
  });
}
