import type { EventConsumer } from './consumer.ts';
import type { PlatformEvent } from './platform-event.ts';

/** The event of one topic of a contract map, or the union over several (narrow on `topic`). */
export type EventOf<Contracts, T extends keyof Contracts & string = keyof Contracts & string> = {
  [K in T]: PlatformEvent<Contracts[K]> & { readonly topic: K };
}[T];

export interface TypedConsumer<Contracts, T extends keyof Contracts & string> {
  readonly name: string;
  readonly topics: readonly T[];
  /** A property, not a method, so a handler for the wrong payload type does not compile. */
  readonly handle: (event: EventOf<Contracts, T>) => Promise<void>;
}

/** Consumers typed by a contract map: the handler sees exactly the payloads of its topics. */
export function consumerFactory<Contracts>() {
  return <const T extends keyof Contracts & string>(consumer: TypedConsumer<Contracts, T>): EventConsumer => ({
    name: consumer.name,
    topics: consumer.topics,
    // The bus carries what the outbox writer (typed by the same map) wrote.
    handle: (event) => consumer.handle(event as EventOf<Contracts, T>),
  });
}
