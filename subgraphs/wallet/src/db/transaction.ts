import { setTimeout as sleep } from 'node:timers/promises';
import { isSerializationFailure } from '@platform/kernel';
import type { Kysely, Transaction } from 'kysely';
import type { WalletDatabase } from './types.ts';

export type WalletTrx = Transaction<WalletDatabase>;

const ATTEMPTS = 5;

/**
 * Runs `work` in one transaction, again from the start when PostgreSQL reports a deadlock or
 * serialization failure (the work must be safe to repeat: it is, since nothing it did survived).
 */
export async function inTransaction<T>(db: Kysely<WalletDatabase>, work: (trx: WalletTrx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isSerializationFailure(error)) throw error;
      await sleep(Math.random() * 10 * attempt);
    }
  }
}
