import { consumerFactory, outboxWriter, type EventOf } from '@platform/kernel';
import type { EventContracts, Topic } from './contracts.ts';

export * from './contracts.ts';
export * from './money.ts';

/** Writes an event for `topic` in the caller's transaction; the payload must match the topic's contract. */
export const writeOutbox = outboxWriter<EventContracts>();

/** A named consumer whose handler is typed by its topics' contracts. */
export const defineConsumer = consumerFactory<EventContracts>();

export type PlatformEventOf<T extends Topic = Topic> = EventOf<EventContracts, T>;
