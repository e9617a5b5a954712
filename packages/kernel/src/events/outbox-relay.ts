import { sql, type Kysely } from 'kysely';
import { inTransaction } from '../db/transaction.ts';
import type { Logger } from '../logger.ts';
import { platformMetrics } from '../observability/platform-metrics.ts';
import { withSpan } from '../observability/spans.ts';
import { PeriodicTask } from '../tasks/periodic-task.ts';
import type { EventBus } from './event-bus.ts';
import type { OutboxTables } from './outbox.ts';
import type { PlatformEvent } from './platform-event.ts';

const BATCH = 100;
const REPLAY_BATCH = 500;
/** Publishing only appends, so it is quick; a bus that hangs must not keep the claimed rows locked. */
const PUBLISH_TIMEOUT_MS = 5_000;
const CLEANUP_INTERVAL_MS = 3_600_000;

type Row = { id: string; topic: string; payload: unknown; created_at: Date };
const toEvent = (row: Row): PlatformEvent => ({ id: row.id, topic: row.topic, payload: row.payload, occurredAt: row.created_at.toISOString() });

/**
 * Moves outbox rows to the bus. Give it `Database.background`, so its polling is not counted as
 * request statements. Each batch is claimed (FOR UPDATE SKIP LOCKED, so replicas share the work),
 * appended to the bus and marked published in one short transaction: no handler runs in publish.
 * A crash after appending but before marking republishes the batch (the bus skips known ids;
 * consumers are idempotent anyway).
 * With a bus that dies with the process (embedded), the first pass also republishes the rows
 * published within the retention window, so consumers get whatever they had not processed.
 * Published rows are deleted once older than the retention window.
 */
export class OutboxRelay<DB> {
  private readonly db: Kysely<OutboxTables>;
  private readonly relay: PeriodicTask;
  private readonly cleanup: PeriodicTask;
  private replayed = false;

  constructor(
    db: Kysely<DB>,
    private readonly bus: EventBus,
    logger: Logger,
    intervalMs = 250,
    /** The service whose outbox this is: its label in the relay metrics and spans. */
    private readonly service = 'unknown',
  ) {
    this.db = db as unknown as Kysely<OutboxTables>;
    this.relay = new PeriodicTask({ name: 'outbox relay', intervalMs, firstDelayMs: 0, logger, run: () => this.pass() });
    this.cleanup = new PeriodicTask({ name: 'outbox cleanup', intervalMs: CLEANUP_INTERVAL_MS, logger, run: () => this.deleteExpired() });
  }

  start(): void {
    this.relay.start();
    this.cleanup.start();
  }

  /** Waits for the pass in flight. */
  async stop(): Promise<void> {
    await Promise.all([this.relay.stop(), this.cleanup.stop()]);
  }

  /** One pass: the replay (first pass, embedded bus only), then batches until none is pending. */
  async pass(): Promise<number> {
    let count = 0;
    if (!this.replayed && !this.bus.durable) count += await this.republishRetained();
    this.replayed = true;
    // Most passes find nothing (every 250 ms, in every service). A plain probe answers that in one
    // statement, without the transaction and row locks of a claim (three round trips): idle relays
    // were a tenth of a busy subgraph process's CPU. A row committed after the probe waits one interval.
    if (!(await this.anyPending())) return count;
    for (let n = await this.relayOnce(); n > 0; n = await this.relayOnce()) count += n;
    return count;
  }

  /** Whether any row waits to be published (the outbox_pending partial index answers it). */
  private async anyPending(): Promise<boolean> {
    const row = await this.db.selectFrom('outbox').select('id').where('published_at', 'is', null).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Publishes up to `batch` pending rows; returns how many. */
  relayOnce(batch = BATCH): Promise<number> {
    return withSpan('outbox relay batch', { 'platform.service': this.service }, () => this.claimAndPublish(batch));
  }

  private claimAndPublish(batch: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'topic', 'payload', 'created_at'])
        .where('published_at', 'is', null)
        .orderBy('id')
        .limit(batch)
        .forUpdate()
        .skipLocked()
        .execute();
      if (rows.length === 0) return 0;
      await withTimeout(this.bus.publish(rows.map(toEvent)), PUBLISH_TIMEOUT_MS);
      await trx
        .updateTable('outbox')
        .set({ published_at: sql<Date>`now()` })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      this.count(rows);
      return rows.length;
    });
  }

  /** Outbox lag: how long each row waited between its transaction and the bus. */
  private count(rows: readonly Row[]): void {
    const now = Date.now();
    platformMetrics.outboxRelayed.inc({ service: this.service }, rows.length);
    for (const row of rows) platformMetrics.outboxDelay.observe({ service: this.service }, Math.max(0, now - row.created_at.getTime()) / 1000);
  }

  /** Republishes rows already published within the retention window, oldest first. */
  async republishRetained(): Promise<number> {
    const since = new Date(Date.now() - this.bus.policy.retentionMs);
    let after = '00000000-0000-0000-0000-000000000000';
    let count = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('outbox')
        .select(['id', 'topic', 'payload', 'created_at'])
        .where('published_at', 'is not', null)
        .where('created_at', '>=', since)
        .where('id', '>', after)
        .orderBy('id')
        .limit(REPLAY_BATCH)
        .execute();
      if (rows.length === 0) return count;
      await this.bus.publish(rows.map(toEvent));
      count += rows.length;
      after = rows[rows.length - 1]!.id;
    }
  }

  /** Deletes published rows past the retention window; returns how many. */
  async deleteExpired(): Promise<number> {
    const before = new Date(Date.now() - this.bus.policy.retentionMs);
    const result = await this.db.deleteFrom('outbox').where('published_at', 'is not', null).where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`event bus did not accept the batch within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
