import { sql, type Kysely } from 'kysely';

/** First half of every lock key, so our locks never meet another application's in the same database. */
const LOCK_NAMESPACE = 0x0c0d_0017;

export type SingletonOutcome<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

/**
 * Work that one replica at a time may do (sweepers, partition maintenance, period close, recovery
 * passes, reconciliation), chosen with PostgreSQL advisory locks in the service's own database.
 * `run(name, work)` opens a transaction on one pooled connection, tries the transaction-level lock
 * for `name` and, holding it, runs `work` (which uses its own connections); the lock goes with the
 * transaction, so a replica that dies or loses its connection frees it at once. A replica that does
 * not get the lock skips the pass: another is doing it, and the next tick tries again.
 */
export interface AdvisoryLocks {
  run<T>(name: string, work: () => Promise<T>): Promise<SingletonOutcome<T>>;
}

export function advisoryLocks<DB>(db: Kysely<DB>): AdvisoryLocks {
  return {
    run: (name, work) =>
      db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${name})) as locked`.execute(trx);
        if (rows[0]?.locked !== true) return { ran: false } as const;
        return { ran: true, value: await work() } as const;
      }),
  };
}
