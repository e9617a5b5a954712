import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../logger.ts';
import { PeriodicTask } from '../tasks/periodic-task.ts';
import type { EventConsumer, ParkedEvent } from './consumer.ts';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './delivery-policy.ts';
import type { EventBus, Registration } from './event-bus.ts';
import type { PlatformEvent } from './platform-event.ts';
import { RedisConsumerLoop } from './redis-consumer.ts';
import { eventFields, parseEntries, parseParked, StreamKeys } from './redis-entries.ts';
import { trimStream } from './redis-retention.ts';

/** Appends once per event id (a relay that republishes after a crash does not duplicate it). */
const APPEND_ONCE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
  return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
end
return false`;

export interface RedisEventBusOptions {
  readonly url: string;
  readonly policy?: DeliveryPolicy;
  readonly logger?: Logger;
  /** Key prefix; tests use their own. */
  readonly prefix?: string;
  /** How long a consumer's read blocks (and so how long `stop()` may wait). */
  readonly blockMs?: number;
  readonly trimIntervalMs?: number;
}

/**
 * The bus across processes: one Redis stream per topic, one consumer group per consumer name,
 * a parked stream per consumer. History is trimmed past the retention window only below what every
 * group has acknowledged.
 */
export class RedisEventBus implements EventBus {
  readonly durable = true;
  readonly policy: DeliveryPolicy;
  private readonly redis: Redis;
  private readonly keys: StreamKeys;
  private readonly logger: Logger;
  private readonly registrations = new Set<Registration>();
  private readonly topics = new Set<string>();
  private readonly trimTask: PeriodicTask;

  constructor(private readonly options: RedisEventBusOptions) {
    this.policy = options.policy ?? DEFAULT_DELIVERY_POLICY;
    this.logger = options.logger ?? createLogger({ component: 'event-bus' }, 'warn');
    this.keys = new StreamKeys(options.prefix ?? 'events');
    this.redis = this.connect();
    this.trimTask = new PeriodicTask({ name: 'event retention', intervalMs: options.trimIntervalMs ?? 60_000, logger: this.logger, run: () => this.trim() });
    this.trimTask.start();
  }

  async publish(events: readonly PlatformEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      this.topics.add(event.topic);
      pipeline.eval(APPEND_ONCE, 2, this.keys.topic(event.topic), this.keys.seen(event.id), this.policy.retentionMs, ...eventFields(event));
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  register(consumer: EventConsumer): Registration {
    for (const topic of consumer.topics) this.topics.add(topic);
    const connection = this.connect(); // a blocking read holds its connection
    const loop = new RedisConsumerLoop(consumer, connection, this.keys, this.policy, this.logger, this.options.blockMs ?? 1_000);
    const registration: Registration = {
      stop: async () => {
        this.registrations.delete(registration);
        await loop.stop();
        connection.disconnect();
      },
    };
    this.registrations.add(registration);
    return registration;
  }

  async parked(consumerName: string): Promise<ParkedEvent[]> {
    return parseEntries(await this.redis.call('XRANGE', this.keys.parked(consumerName), '-', '+')).map(parseParked);
  }

  async replayParked(consumerName: string): Promise<number> {
    const parkedKey = this.keys.parked(consumerName);
    const entries = parseEntries(await this.redis.call('XRANGE', parkedKey, '-', '+'));
    for (const entry of entries) {
      await this.redis
        .multi()
        .xadd(this.keys.replay(consumerName), '*', ...eventFields(entry.event))
        .xdel(parkedKey, entry.streamId)
        .exec();
    }
    return entries.length;
  }

  async close(): Promise<void> {
    await Promise.all([...this.registrations].map((r) => r.stop()));
    await this.trimTask.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async trim(): Promise<number> {
    let trimmed = 0;
    for (const topic of this.topics) trimmed += await trimStream(this.redis, this.keys.topic(topic), Date.now() - this.policy.retentionMs);
    return trimmed;
  }

  private connect(): Redis {
    const redis = new Redis(this.options.url, { maxRetriesPerRequest: null });
    redis.on('error', (error) => this.logger.warn('redis connection error', { error }));
    return redis;
  }
}
