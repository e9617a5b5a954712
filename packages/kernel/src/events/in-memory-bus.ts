import { createLogger, type Logger } from '../logger.ts';
import type { EventConsumer, ParkedEvent } from './consumer.ts';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './delivery-policy.ts';
import type { EventBus, Registration } from './event-bus.ts';
import { InMemoryConsumerLoop } from './in-memory-consumer.ts';
import { ConsumerState, TopicLog } from './in-memory-log.ts';
import type { PlatformEvent } from './platform-event.ts';

const TRIM_EVERY_MS = 60_000;

export interface InMemoryEventBusOptions {
  readonly policy?: DeliveryPolicy;
  readonly logger?: Logger;
}

/**
 * The embedded bus: retained history per topic, a position per consumer name, retries and parking,
 * all in memory. It dies with the process; the outbox relay makes up for that by republishing the
 * retained outbox rows on start (`durable: false`), and idempotent consumers skip what they had done.
 */
export class InMemoryEventBus implements EventBus {
  readonly durable = false;
  readonly policy: DeliveryPolicy;
  private readonly logger: Logger;
  private readonly logs = new Map<string, TopicLog>();
  private readonly states = new Map<string, ConsumerState>();
  private readonly loops = new Map<string, InMemoryConsumerLoop>();
  private seq = 0;
  private trimmedAt = Date.now();

  constructor(options: InMemoryEventBusOptions = {}) {
    this.policy = options.policy ?? DEFAULT_DELIVERY_POLICY;
    this.logger = options.logger ?? createLogger({ component: 'event-bus' }, 'warn');
  }

  async publish(events: readonly PlatformEvent[]): Promise<void> {
    const now = Date.now();
    for (const event of events) {
      if (!this.log(event.topic).append({ seq: ++this.seq, event, appendedAt: now })) continue;
      for (const [name, loop] of this.loops) if (this.states.get(name)?.positions.has(event.topic)) loop.signal.notify();
    }
    if (now - this.trimmedAt > TRIM_EVERY_MS) this.trim(now);
  }

  register(consumer: EventConsumer): Registration {
    if (this.loops.has(consumer.name)) throw new Error(`event consumer "${consumer.name}" is already registered`);
    const state = this.states.get(consumer.name) ?? new ConsumerState();
    this.states.set(consumer.name, state);
    // A name seen for the first time starts at the beginning of the retained history.
    for (const topic of consumer.topics) if (!state.positions.has(topic)) state.positions.set(topic, this.log(topic).start);
    const loop = new InMemoryConsumerLoop(consumer, state, (topic) => this.log(topic), this.policy, this.logger);
    this.loops.set(consumer.name, loop);
    return {
      stop: async () => {
        if (this.loops.get(consumer.name) === loop) this.loops.delete(consumer.name);
        await loop.stop();
      },
    };
  }

  async parked(consumerName: string): Promise<ParkedEvent[]> {
    return [...(this.states.get(consumerName)?.parked ?? [])];
  }

  async replayParked(consumerName: string): Promise<number> {
    const state = this.states.get(consumerName);
    if (!state) return 0;
    const parked = state.parked.splice(0);
    for (const { event } of parked) state.retries.set(event.id, { event, attempts: 0, dueAt: 0 });
    this.loops.get(consumerName)?.signal.notify();
    return parked.length;
  }

  async close(): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((loop) => loop.stop()));
  }

  /** Drops history past retention that every consumer name has taken (failed ones live on in retries). */
  private trim(now: number): void {
    this.trimmedAt = now;
    for (const [topic, log] of this.logs) {
      let keepFrom = Infinity;
      for (const state of this.states.values()) keepFrom = Math.min(keepFrom, state.positions.get(topic) ?? Infinity);
      log.trim(keepFrom, now - this.policy.retentionMs);
    }
  }

  private log(topic: string): TopicLog {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = new TopicLog()));
    return log;
  }
}
