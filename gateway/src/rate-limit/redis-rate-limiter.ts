import { Redis } from 'ioredis';
import type { Logger } from '@platform/kernel';
import type { BucketLimit } from './config.ts';
import type { Admission, RateLimiter } from './token-bucket.ts';

/**
 * takeToken (token-bucket.ts) in one atomic script, on Redis's clock so replicas with skewed clocks
 * share one bucket. KEYS[1] bucket; ARGV burst, perMinute. Returns {allowed, retryAfterMs}. The bucket
 * expires once it would be full again, so idle principals cost nothing.
 */
const TAKE = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return {allowed, retry}`;

type TakeCommand = (key: string, burst: number, perMinute: number) => Promise<[number, number]>;

/**
 * Buckets shared by every gateway replica. When Redis cannot answer in time the request is let
 * through (and logged): a rate limiter must not turn a Redis outage into a platform outage.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private lastWarnAt = 0;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 500, lazyConnect: false });
    this.redis.on('error', () => undefined); // reported per refused command below
    this.redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE });
  }

  async take(key: string, limit: BucketLimit): Promise<Admission> {
    try {
      const take = (this.redis as unknown as { takeToken: TakeCommand }).takeToken.bind(this.redis);
      const [allowed, retryAfterMs] = await take(this.prefix + key, limit.burst, limit.perMinute);
      return { allowed: allowed === 1, retryAfterMs };
    } catch (error) {
      if (Date.now() - this.lastWarnAt > 10_000) {
        this.lastWarnAt = Date.now();
        this.logger.warn('rate limiter: Redis did not answer; letting requests through', { error });
      }
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
