import { platformMetrics } from '../observability/platform-metrics.ts';
import { withSpan } from '../observability/spans.ts';
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
  const labels = { consumer: consumer.name };
  try {
    await withSpan(
      'event handle',
      { 'messaging.consumer.group.name': consumer.name, 'messaging.destination.name': event.topic, 'messaging.message.id': event.id },
      () => consumer.handle(event),
    );
    platformMetrics.eventsHandled.inc({ ...labels, outcome: 'ok' });
    // Consumer lag: from the change (the outbox row's time) to this consumer having applied it.
    platformMetrics.consumerLag.observe(labels, Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000);
    return null;
  } catch (error) {
    platformMetrics.eventsHandled.inc({ ...labels, outcome: 'failed' });
    return error instanceof Error ? error.message : String(error);
  }
}

/** Both buses call this when they park an event, so parked events are counted alike. */
export function countParked(consumerName: string): void {
  platformMetrics.eventsParked.inc({ consumer: consumerName });
}
