import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { attemptDelivery, countParked, type EventConsumer } from './consumer.ts';
import type { DeliveryPolicy } from './delivery-policy.ts';
import { eventFields, parseEntries, type StreamEntry, type StreamKeys } from './redis-entries.ts';

const BATCH = 20;

/**
 * One instance of a consumer over Redis Streams: the consumer's name is the consumer group (one per
 * topic stream, created at 0 so a new name replays retained history); this instance is one member.
 * Failed entries stay pending and are taken again with XAUTOCLAIM once idle for `retryDelayMs`, which
 * is also how entries a killed instance left pending are taken over; the delivery count parks them.
 */
export class RedisConsumerLoop {
  private stopped = false;
  private readonly done: Promise<void>;
  private readonly member = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private claimDueAt = 0;

  constructor(
    private readonly consumer: EventConsumer,
    private readonly redis: Redis,
    private readonly keys: StreamKeys,
    private readonly policy: DeliveryPolicy,
    private readonly logger: Logger,
    private readonly blockMs: number,
  ) {
    this.done = this.run();
  }

  /** Waits for the batch in flight (at most one blocking read plus a few handlers). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private get streams(): string[] {
    return [...this.consumer.topics.map(this.keys.topic), this.keys.replay(this.consumer.name)];
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.ensureGroups();
        break;
      } catch (error) {
        this.logger.warn('event consumer cannot reach Redis; will retry', { consumer: this.consumer.name, error });
        await sleep(1_000);
      }
    }
    while (!this.stopped) {
      try {
        if (Date.now() >= this.claimDueAt) {
          this.claimDueAt = Date.now() + Math.max(this.policy.retryDelayMs / 2, 5);
          for (const stream of this.streams) await this.takeOver(stream);
        }
        await this.readNew();
      } catch (error) {
        if (this.stopped) break;
        this.logger.warn('event consumer failed; will retry', { consumer: this.consumer.name, error });
        await sleep(1_000);
      }
    }
  }

  private async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      await this.redis.call('XGROUP', 'CREATE', stream, this.consumer.name, '0', 'MKSTREAM').catch((error: Error) => {
        if (!error.message.includes('BUSYGROUP')) throw error;
      });
    }
  }

  private async readNew(): Promise<void> {
    const streams = this.streams;
    const reply = (await this.redis.call(
      'XREADGROUP',
      'GROUP',
      this.consumer.name,
      this.member,
      'COUNT',
      BATCH,
      'BLOCK',
      this.blockMs,
      'STREAMS',
      ...streams,
      ...streams.map(() => '>'),
    )) as [string, unknown][] | null;
    for (const [stream, entries] of reply ?? []) {
      for (const entry of parseEntries(entries)) await this.handle(stream, entry, 1);
    }
  }

  /** Takes over entries pending longer than the retry delay (failed here, or left by a dead instance). */
  private async takeOver(stream: string): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, raw] = (await this.redis.call('XAUTOCLAIM', stream, this.consumer.name, this.member, this.policy.retryDelayMs, cursor, 'COUNT', BATCH)) as [
        string,
        unknown,
      ];
      const entries = parseEntries(raw);
      const deliveries = await this.deliveryCounts(stream, entries);
      for (const entry of entries) await this.handle(stream, entry, deliveries.get(entry.streamId) ?? 1);
      cursor = next;
    } while (cursor !== '0-0' && !this.stopped);
  }

  private async deliveryCounts(stream: string, entries: readonly StreamEntry[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (entries.length === 0) return counts;
    const first = entries[0]!.streamId;
    const last = entries[entries.length - 1]!.streamId;
    const rows = (await this.redis.call('XPENDING', stream, this.consumer.name, first, last, entries.length, this.member)) as [
      string,
      string,
      number,
      number,
    ][];
    for (const [id, , , count] of rows) counts.set(id, Number(count));
    return counts;
  }

  /** `attempt` is the delivery count: XREADGROUP makes it 1, each XAUTOCLAIM adds one. */
  private async handle(stream: string, entry: StreamEntry, attempt: number): Promise<void> {
    if (attempt > this.policy.maxAttempts) {
      // Delivered that often without an answer: instances died handling it.
      return this.park(stream, entry, attempt - 1, 'not acknowledged after repeated deliveries');
    }
    const error = await attemptDelivery(this.consumer, entry.event);
    if (error === null) return this.ack(stream, entry);
    if (attempt >= this.policy.maxAttempts) return this.park(stream, entry, attempt, error);
    // Left pending: XAUTOCLAIM brings it back after retryDelayMs, while newer entries go on.
  }

  private async ack(stream: string, entry: StreamEntry): Promise<void> {
    const tx = this.redis.multi().xack(stream, this.consumer.name, entry.streamId);
    if (stream === this.keys.replay(this.consumer.name)) tx.xdel(stream, entry.streamId);
    await tx.exec();
  }

  private async park(stream: string, entry: StreamEntry, attempts: number, error: string): Promise<void> {
    const parkedAt = new Date().toISOString();
    const tx = this.redis
      .multi()
      .xadd(this.keys.parked(this.consumer.name), '*', ...eventFields(entry.event), 'attempts', String(attempts), 'error', error, 'parkedAt', parkedAt)
      .xack(stream, this.consumer.name, entry.streamId);
    if (stream === this.keys.replay(this.consumer.name)) tx.xdel(stream, entry.streamId);
    await tx.exec();
    countParked(this.consumer.name);
    this.logger.warn('event parked', { consumer: this.consumer.name, eventId: entry.event.id, topic: entry.event.topic, attempts, error });
  }
}
