import { sql, type Generated, type Kysely, type Transaction } from 'kysely';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { EventBus, PlatformEvent } from './event-bus.ts';

/**
 * Every subgraph that emits events has these two tables (created by its own frozen migration):
 *   outbox(id uuid primary key, topic text not null, payload jsonb not null,
 *          created_at timestamptz not null default now(), published_at timestamptz)
 *   with an index on (id) where published_at is null;
 *   processed_events(event_id uuid primary key, processed_at timestamptz not null default now())
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

/** Writes an event in the caller's transaction, so it exists exactly when the change does. */
export async function writeOutbox<DB>(trx: Transaction<DB>, topic: string, payload: unknown): Promise<string> {
  const id = newId();
  await (trx as unknown as Transaction<OutboxTables>)
    .insertInto('outbox')
    .values({ id, topic, payload: JSON.stringify(payload) })
    .execute();
  return id;
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

/**
 * Moves outbox rows to the bus. Give it `Database.background`, so its polling is not counted as
 * request statements. Rows are claimed with FOR UPDATE SKIP LOCKED, so several replicas
 * can relay at once without publishing a row twice in the common case; a crash after publishing but
 * before marking republishes it (at-least-once, consumers are idempotent).
 */
export class OutboxRelay<DB> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    const tick = async () => {
      try {
        while ((await this.relayOnce()) > 0);
      } catch (error) {
        this.logger.warn('outbox relay failed; will retry', { error });
      }
      this.timer = setTimeout(tick, this.intervalMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => 0);
  }

  /** Publishes up to `batch` pending rows; returns how many. */
  relayOnce(batch = 100): Promise<number> {
    this.running = (this.db as unknown as Kysely<OutboxTables>).transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'topic', 'payload', 'created_at'])
        .where('published_at', 'is', null)
        .orderBy('id')
        .limit(batch)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        const event: PlatformEvent = { id: row.id, topic: row.topic, payload: row.payload, occurredAt: row.created_at.toISOString() };
        await this.bus.publish(event);
      }
      if (rows.length > 0) {
        await trx
          .updateTable('outbox')
          .set({ published_at: sql<Date>`now()` })
          .where('id', 'in', rows.map((r) => r.id))
          .execute();
      }
      return rows.length;
    });
    return this.running;
  }
}
