import { EnvReader, type Env } from '../config.ts';
import { redisKeyPrefix } from '../live/live-channel.ts';
import type { Logger } from '../logger.ts';
import { readDeliveryPolicy } from './delivery-policy.ts';
import type { EventBus } from './event-bus.ts';
import { InMemoryEventBus } from './in-memory-bus.ts';
import { RedisEventBus } from './redis-bus.ts';

/** A service on its own: Redis Streams when REDIS_URL is set, otherwise a bus no other process hears. */
export function eventBusFromEnv(logger: Logger, env: Env = process.env): EventBus {
  const r = new EnvReader(env);
  const url = r.optionalUrl('REDIS_URL');
  const policy = readDeliveryPolicy(env);
  if (url) return new RedisEventBus({ url, policy, logger, prefix: redisKeyPrefix(r, 'events') });
  logger.warn('REDIS_URL is not set: events stay in this process (no other service hears them)');
  return new InMemoryEventBus({ policy, logger });
}
