import type { Generated, Transaction } from 'kysely';
import { newId } from '../ids.ts';

/**
 * Every subgraph that emits events has these two tables (created by its own frozen migration):
 *   outbox(id uuid primary key, topic text not null, payload jsonb not null,
 *          created_at timestamptz not null default now(), published_at timestamptz)
 *   with an index on (id) where published_at is null;
 *   processed_events(event_id uuid primary key, processed_at timestamptz not null default now())
 * Published rows stay for the bus's retention (the embedded bus is rebuilt from them on start).
 */
export interface OutboxTables {
  outbox: {
    id: string;
    topic: string;
    payload: unknown;
    created_at: Generated<Date>;
    published_at: Date | null;
  };
  processed_events: { event_id: string; processed_at: Generated<Date> };
}

/**
 * The outbox writer typed by a contract map (topic → payload): a payload of the wrong shape for its
 * topic does not compile. The event is written in the caller's transaction, so it exists exactly when
 * the change does. Returns the event id.
 */
export function outboxWriter<Contracts>() {
  return async <DB, T extends keyof Contracts & string>(trx: Transaction<DB>, topic: T, payload: Contracts[T]): Promise<string> => {
    const id = newId();
    await (trx as unknown as Transaction<OutboxTables>)
      .insertInto('outbox')
      .values({ id, topic, payload: JSON.stringify(payload) })
      .execute();
    return id;
  };
}

/**
 * Runs `apply` once per event id: the processed-event row and the consumer's change commit together,
 * so a redelivered event is skipped. Returns false for a duplicate.
 */
export async function consumeOnce<DB>(trx: Transaction<DB>, eventId: string, apply: () => Promise<void>): Promise<boolean> {
  const inserted = await (trx as unknown as Transaction<OutboxTables>)
    .insertInto('processed_events')
    .values({ event_id: eventId })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returning('event_id')
    .executeTakeFirst();
  if (!inserted) return false;
  await apply();
  return true;
}
