import type { WalletTrx } from './transaction.ts';

export interface IdempotencyClaim {
  readonly scope: string;
  readonly key: string;
  readonly requestHash: string;
  /** The id of what the request creates (transfer or hold), chosen before it is created. */
  readonly resultId: string;
}

/**
 * Claims the key inside the caller's transaction, as its first write. A concurrent request with
 * the same key waits on the primary key until this transaction ends: if it commits, that request
 * gets the stored claim back; if it rolls back (the request failed), that request claims the key.
 * Returns null when this call claimed it, else the earlier claim.
 */
export async function claimIdempotencyKey(trx: WalletTrx, claim: IdempotencyClaim): Promise<{ requestHash: string; resultId: string } | null> {
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({ scope: claim.scope, key: claim.key, request_hash: claim.requestHash, result_id: claim.resultId })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return null;
  const existing = await trx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'result_id'])
    .where('scope', '=', claim.scope)
    .where('key', '=', claim.key)
    .executeTakeFirstOrThrow();
  return { requestHash: existing.request_hash, resultId: existing.result_id };
}
