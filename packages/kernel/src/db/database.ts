import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { platformMetrics } from '../observability/platform-metrics.ts';
import { recordStatementSpan } from '../observability/spans.ts';
import { fastTypeParsers } from './type-parsers.ts';

// int8 (bigint) stays a string from pg: money is converted to BigInt by repositories, never to float.
// Counts (`count(*)`) are int8 too; repositories convert those with Number() where bounded.

export interface DatabaseOptions {
  readonly url: string;
  readonly logger: Logger;
  /** The service the pool belongs to: its label in the pool metrics. */
  readonly service?: string;
  readonly maxConnections?: number;
  /** Called for every statement a request causes (not background work); tests and benchmarks count with it. */
  readonly onQuery?: (sql: string) => void;
}

export interface Database<DB> {
  readonly db: Kysely<DB>;
  /**
   * The same pool, for work no request caused (outbox relays, sweepers): its statements are not
   * reported to `onQuery`, so per-request statement counts stay exact.
   */
  readonly background: Kysely<DB>;
  readonly pool: pg.Pool;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function createDatabase<DB>(options: DatabaseOptions): Database<DB> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    types: fastTypeParsers,
  });
  // An idle client losing its connection (PostgreSQL restarting) emits 'error' on the pool; without
  // a handler that would crash the process. The pool drops the client and reconnects on demand.
  pool.on('error', (error) => options.logger.warn('idle database connection lost', { error: error.message }));
  // A client checked out of the pool (inside a transaction, between statements) has no pool listener:
  // without this one, the same restart would be an uncaught 'error' event. The statement in flight
  // fails, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger.warn('database connection lost while in use', { error: error.message }));
  });
  const onQuery = options.onQuery;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event: LogEvent) => {
      recordStatement(event);
      if (event.level === 'query') onQuery?.(event.query.sql);
      else options.logger.debug('query failed', { sql: event.query.sql, error: event.error });
    },
  });
  const background = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event: LogEvent) => {
      recordStatement(event);
      if (event.level === 'error') options.logger.debug('query failed', { sql: event.query.sql, error: event.error });
    },
  });
  const service = options.service ?? 'unknown';
  const unwatchPool = platformMetrics.dbPool.watch(() => [
    { labels: { service, state: 'in_use' }, value: pool.totalCount - pool.idleCount },
    { labels: { service, state: 'idle' }, value: pool.idleCount },
  ]);
  const unwatchWaiting = platformMetrics.dbPoolWaiting.watch(() => [{ labels: { service }, value: pool.waitingCount }]);
  return {
    db,
    background,
    pool,
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => {
      unwatchPool();
      unwatchWaiting();
      return db.destroy(); // ends the shared pool; `background` holds nothing else
    },
  };
}

/** Each statement is a span of the trace that caused it (a no-op with tracing off). */
function recordStatement(event: LogEvent): void {
  recordStatementSpan(event.query.sql, event.queryDurationMillis, event.level === 'error' ? event.error : undefined);
}
