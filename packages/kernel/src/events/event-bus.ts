/** An event as it travels between subgraphs: the outbox row's id is the event id. */
export interface PlatformEvent<P = unknown> {
  readonly id: string;
  readonly topic: string;
  readonly payload: P;
  readonly occurredAt: string;
}

export type EventHandler = (event: PlatformEvent) => Promise<void>;

/** The bus between subgraphs: in-process when embedded, Redis across replicas. Delivery is at-least-once. */
export interface EventBus {
  publish(event: PlatformEvent): Promise<void>;
  subscribe(topic: string, handler: EventHandler): () => void;
  close(): Promise<void>;
}

export class InMemoryEventBus implements EventBus {
  private readonly handlers = new Map<string, Set<EventHandler>>();

  async publish(event: PlatformEvent): Promise<void> {
    // Handlers run in turn and a failure propagates, so the relay leaves the row unpublished and retries.
    for (const handler of [...(this.handlers.get(event.topic) ?? [])]) await handler(event);
  }

  subscribe(topic: string, handler: EventHandler): () => void {
    const set = this.handlers.get(topic) ?? new Set();
    set.add(handler);
    this.handlers.set(topic, set);
    return () => set.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
