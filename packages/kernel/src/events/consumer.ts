import type { EventBus, PlatformEvent } from './event-bus.ts';

/** A named consumer of some topics. Handlers must be idempotent (see consumeOnce): delivery is at-least-once. */
export interface EventConsumer {
  readonly name: string;
  readonly topics: readonly string[];
  handle(event: PlatformEvent): Promise<void>;
}

export interface ConsumerRegistration {
  /** Stops new deliveries, then waits for the handlers in flight (their pool is about to close). */
  stop(): Promise<void>;
}

/** Subscribes each consumer to its topics; the one place that knows how the bus takes consumers. */
export function registerConsumers(bus: EventBus, consumers: readonly EventConsumer[]): ConsumerRegistration {
  const inFlight = new Set<Promise<void>>();
  const unsubscribes = consumers.flatMap((consumer) =>
    consumer.topics.map((topic) =>
      bus.subscribe(topic, (event) => {
        const handled = consumer.handle(event);
        const tracked = handled.catch(() => undefined);
        inFlight.add(tracked);
        void tracked.finally(() => inFlight.delete(tracked));
        return handled; // the bus sees the failure and redelivers
      }),
    ),
  );
  return {
    async stop() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      await Promise.all(inFlight);
    },
  };
}
