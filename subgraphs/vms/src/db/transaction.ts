import type { Kysely, Transaction } from 'kysely';
import type { VmsDatabase } from './types.ts';

export type VmsTrx = Transaction<VmsDatabase>;

/** One database transaction; domain code owns its boundaries, repositories take the `trx`. */
export const inTransaction = <T>(db: Kysely<VmsDatabase>, work: (trx: VmsTrx) => Promise<T>): Promise<T> =>
  db.transaction().execute(work);
