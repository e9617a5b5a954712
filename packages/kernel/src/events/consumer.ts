import type { PlatformEvent } from './platform-event.ts';

/**
 * A named reader of the bus. The name is its identity: its position in each topic, its retries and
 * its parked events belong to the name, so a restarted (or second) instance carries on where it was.
 * `handle` must be idempotent (consumeOnce): delivery is at-least-once.
 */
export interface EventConsumer {
  readonly name: string;
  readonly topics: readonly string[];
  handle(event: PlatformEvent): Promise<void>;
}

/** An event a consumer gave up on after `maxAttempts`: kept (not trimmed) until replayed. */
export interface ParkedEvent {
  readonly event: PlatformEvent;
  readonly attempts: number;
  readonly error: string;
  readonly parkedAt: string;
}

/** Runs the handler once; returns the failure's message, or null when it succeeded. */
export async function attemptDelivery(consumer: EventConsumer, event: PlatformEvent): Promise<string | null> {
  try {
    await consumer.handle(event);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
