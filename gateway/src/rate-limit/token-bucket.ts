import type { BucketLimit } from './config.ts';

export interface Admission {
  readonly allowed: boolean;
  /** When refused: how long until one request's worth has refilled. */
  readonly retryAfterMs: number;
}

/** Takes one request from `key`'s bucket. Implementations: in memory, or shared in Redis. */
export interface RateLimiter {
  take(key: string, limit: BucketLimit): Promise<Admission>;
  close(): Promise<void>;
}

export interface BucketState {
  readonly tokens: number;
  readonly atMs: number;
}

/**
 * The token-bucket rule, as the Redis script also runs it: the bucket refills continuously at
 * perMinute/60 000 per millisecond up to `burst`, and a request takes one token.
 */
export function takeToken(state: BucketState | undefined, limit: BucketLimit, nowMs: number): { state: BucketState; admission: Admission } {
  const ratePerMs = limit.perMinute / 60_000;
  const elapsed = state ? Math.max(0, nowMs - state.atMs) : 0;
  const tokens = Math.min(limit.burst, (state?.tokens ?? limit.burst) + elapsed * ratePerMs);
  if (tokens >= 1) return { state: { tokens: tokens - 1, atMs: nowMs }, admission: { allowed: true, retryAfterMs: 0 } };
  return { state: { tokens, atMs: nowMs }, admission: { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / ratePerMs) } };
}

const MAX_BUCKETS = 100_000;

/** One process's buckets: for a single gateway, or when REDIS_URL is not set. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, limit: BucketLimit): Promise<Admission> {
    const { state, admission } = takeToken(this.buckets.get(key), limit, this.now());
    // Re-inserted so the map stays in last-use order, and the least recently used bucket goes first.
    this.buckets.delete(key);
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(key, state);
    return Promise.resolve(admission);
  }

  close(): Promise<void> {
    this.buckets.clear();
    return Promise.resolve();
  }
}
