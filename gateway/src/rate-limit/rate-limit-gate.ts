import { GraphQLError } from 'graphql';
import { platformMetrics, type Caller, type Logger } from '@platform/kernel';
import type { BucketLimit, RateLimitConfig } from './config.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';
import { MemoryRateLimiter, type RateLimiter } from './token-bucket.ts';

/** Who a request is counted against, and under which limit. */
export interface Principal {
  readonly key: string;
  readonly limit: BucketLimit;
  /** For the refusal's message. */
  readonly describe: string;
}

/**
 * The limit an API key was given at creation travels in its token as `rl: [perMinute, burst]`. The
 * token was verified before this is read, so its payload is trusted.
 */
function keyLimitOf(token: string): BucketLimit | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { rl?: unknown };
    const rl = payload.rl;
    if (Array.isArray(rl) && rl.length === 2 && rl.every((n) => Number.isInteger(n) && (n as number) > 0)) {
      return { perMinute: rl[0] as number, burst: rl[1] as number };
    }
  } catch {
    // no claim: the default applies
  }
  return null;
}

export function principalOf(caller: Caller, clientAddress: string, config: RateLimitConfig): Principal {
  if (caller.kind === 'anonymous') return { key: `addr:${clientAddress}`, limit: config.anonymous, describe: 'this address' };
  if (caller.typ === 'api_key') return { key: `key:${caller.sub}`, limit: keyLimitOf(caller.token) ?? config.apiKey, describe: 'this API key' };
  if (caller.typ === 'service') return { key: `service:${caller.sub}`, limit: config.user, describe: 'this service' };
  return { key: `user:${caller.sub}`, limit: config.user, describe: 'this user' };
}

/** Per-principal token buckets at the gateway's door: in Redis when REDIS_URL is set, else in memory. */
export class RateLimitGate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly config: RateLimitConfig,
    logger: Logger,
    limiter?: RateLimiter,
  ) {
    this.limiter = limiter ?? (config.redisUrl ? new RedisRateLimiter(config.redisUrl, config.redisPrefix, logger) : new MemoryRateLimiter());
  }

  /** Passes, or throws RATE_LIMITED (HTTP 429, Retry-After and extensions.retryAfter in whole seconds). */
  async admit(caller: Caller, clientAddress: string): Promise<void> {
    const principal = principalOf(caller, clientAddress, this.config);
    if (principal.limit.perMinute === 0) return;
    const { allowed, retryAfterMs } = await this.limiter.take(principal.key, principal.limit);
    if (allowed) return;
    platformMetrics.rateLimitRefusals.inc({ principal: caller.kind === 'anonymous' ? 'anonymous' : caller.typ });
    const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const { perMinute, burst } = principal.limit;
    throw new GraphQLError(`Rate limit exceeded for ${principal.describe} (${perMinute} requests per minute, burst ${burst}); retry in ${retryAfter} s.`, {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfter,
        limit: { requestsPerMinute: perMinute, burst },
        http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) },
      },
    });
  }

  close(): Promise<void> {
    return this.limiter.close();
  }
}
