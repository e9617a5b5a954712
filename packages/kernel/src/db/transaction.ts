import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely, Transaction } from 'kysely';
import { isSerializationFailure } from './errors.ts';

const ATTEMPTS = 5;

export interface TransactionOptions {
  readonly isolation?: 'read committed' | 'repeatable read' | 'serializable';
}

/**
 * The one way to run a unit of work: one transaction, run again from the start when PostgreSQL
 * reports a deadlock or serialization failure (40P01, 40001). Safe because nothing the failed
 * attempt did survived; `work` must not have effects outside the transaction (no HTTP calls).
 * The caller owns the transaction: repositories take the `trx` this hands out.
 */
export async function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const builder = options.isolation ? db.transaction().setIsolationLevel(options.isolation) : db.transaction();
      return await builder.execute(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isSerializationFailure(error)) throw error;
      await sleep(Math.random() * 10 * attempt);
    }
  }
}
