/** An event as it travels between subgraphs: the outbox row's id is the event id. */
export interface PlatformEvent<P = unknown> {
  readonly id: string;
  readonly topic: string;
  readonly payload: P;
  readonly occurredAt: string;
}
