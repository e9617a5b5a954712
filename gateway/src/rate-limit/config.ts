import type { EnvReader } from '@platform/kernel';

/** A token bucket: `burst` requests at once, refilled at `perMinute`. perMinute 0 turns the limit off. */
export interface BucketLimit {
  readonly perMinute: number;
  readonly burst: number;
}

export interface RateLimitConfig {
  /** A signed-in user, per user id (a service token, per service). */
  readonly user: BucketLimit;
  /** An API key without a limit of its own, per key id. */
  readonly apiKey: BucketLimit;
  /** No credentials, per client address. */
  readonly anonymous: BucketLimit;
  /** Shared buckets across gateway replicas; null: in this process's memory. */
  readonly redisUrl: string | null;
  readonly redisPrefix: string;
  /** Peers (a load balancer) whose x-forwarded-for names the client; nobody else's is believed. */
  readonly trustedProxies: readonly string[];
}

function bucket(r: EnvReader, name: string, perMinute: number, burst: number): BucketLimit {
  return Object.freeze({
    perMinute: r.int(`RATE_LIMIT_${name}_PER_MINUTE`, perMinute, { min: 0, max: 1_000_000 }),
    burst: r.int(`RATE_LIMIT_${name}_BURST`, burst, { min: 1, max: 100_000 }),
  });
}

export function readRateLimitConfig(r: EnvReader, trustedProxies: readonly string[]): RateLimitConfig {
  return Object.freeze({
    user: bucket(r, 'USER', 600, 200),
    apiKey: bucket(r, 'API_KEY', 300, 100),
    anonymous: bucket(r, 'ANONYMOUS', 120, 60),
    redisUrl: r.optionalUrl('REDIS_URL') ?? null,
    redisPrefix: r.string('RATE_LIMIT_REDIS_PREFIX', 'gateway:rate:'),
    trustedProxies,
  });
}
