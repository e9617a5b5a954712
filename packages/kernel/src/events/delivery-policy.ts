import { EnvReader, type Env } from '../config.ts';

export interface DeliveryPolicy {
  /** How long published events stay replayable for consumers registered later. */
  readonly retentionMs: number;
  /** Failed attempts after which an event is parked for that consumer. */
  readonly maxAttempts: number;
  /** How long a failed (or abandoned) event waits before it is tried again. */
  readonly retryDelayMs: number;
}

const HOUR_MS = 3_600_000;

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = Object.freeze({ retentionMs: 168 * HOUR_MS, maxAttempts: 5, retryDelayMs: 5_000 });

/** EVENT_RETENTION_HOURS (168 = 7 days), EVENT_MAX_ATTEMPTS (5), EVENT_RETRY_DELAY_MS (5000). */
export function readDeliveryPolicy(env: Env = process.env): DeliveryPolicy {
  const r = new EnvReader(env);
  return Object.freeze({
    retentionMs: r.int('EVENT_RETENTION_HOURS', DEFAULT_DELIVERY_POLICY.retentionMs / HOUR_MS, { min: 1, max: 24 * 365 }) * HOUR_MS,
    maxAttempts: r.int('EVENT_MAX_ATTEMPTS', DEFAULT_DELIVERY_POLICY.maxAttempts, { min: 1, max: 1000 }),
    retryDelayMs: r.int('EVENT_RETRY_DELAY_MS', DEFAULT_DELIVERY_POLICY.retryDelayMs, { min: 10, max: 3_600_000 }),
  });
}
