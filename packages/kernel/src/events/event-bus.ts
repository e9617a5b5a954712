import type { EventConsumer, ParkedEvent } from './consumer.ts';
import type { DeliveryPolicy } from './delivery-policy.ts';
import type { PlatformEvent } from './platform-event.ts';

export interface Registration {
  /** Stops delivering to this consumer after the handler in flight; its position is kept. */
  stop(): Promise<void>;
}

/**
 * The bus between subgraphs: Redis Streams across processes, in memory when embedded, with the same
 * guarantees (DESIGN §4): per-consumer positions, retained history for late consumers,
 * at-least-once delivery, parking after `policy.maxAttempts`.
 */
export interface EventBus {
  readonly policy: DeliveryPolicy;
  /** True when the bus outlives this process (Redis); false means the outbox must replay on start. */
  readonly durable: boolean;
  /** Appends events (the outbox relay's side). Handlers never run inside publish. */
  publish(events: readonly PlatformEvent[]): Promise<void>;
  register(consumer: EventConsumer): Registration;
  parked(consumerName: string): Promise<ParkedEvent[]>;
  /** Delivers the consumer's parked events again, with fresh attempts; returns how many. */
  replayParked(consumerName: string): Promise<number>;
  close(): Promise<void>;
}
