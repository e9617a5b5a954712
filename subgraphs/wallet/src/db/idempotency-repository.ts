import { sql } from 'kysely';
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

export interface ClaimKey {
  readonly scope: string;
  readonly key: string;
}

export interface StoredClaim extends ClaimKey {
  readonly requestHash: string;
  readonly resultId: string;
}

/** One string per (scope, key), for maps. */
export const claimId = (c: ClaimKey): string => `${c.scope}\u0000${c.key}`;

/**
 * Claims many keys in one statement, as the batch's first write; the same rules as
 * claimIdempotencyKey (a concurrent claim of a key waits for the other transaction to end). Keys are
 * inserted in (scope, key) order, so two batches claiming overlapping keys cannot deadlock.
 * Returns the claims that were already there (this batch did not get them).
 */
export async function claimIdempotencyKeys(trx: WalletTrx, claims: readonly StoredClaim[]): Promise<Map<string, StoredClaim>> {
  if (claims.length === 0) return new Map();
  const inserted = await sql<ClaimKey>`
    insert into idempotency_keys (scope, key, request_hash, result_id)
    select * from unnest(${claims.map((c) => c.scope)}::text[], ${claims.map((c) => c.key)}::text[],
                         ${claims.map((c) => c.requestHash)}::text[], ${claims.map((c) => c.resultId)}::uuid[])
    order by 1, 2
    on conflict (scope, key) do nothing
    returning scope, key`.execute(trx);
  const ours = new Set(inserted.rows.map(claimId));
  const taken = claims.filter((c) => !ours.has(claimId(c)));
  if (taken.length === 0) return new Map();
  const existing = await sql<{ scope: string; key: string; request_hash: string; result_id: string }>`
    select scope, key, request_hash, result_id from idempotency_keys
    where (scope, key) in (select * from unnest(${taken.map((c) => c.scope)}::text[], ${taken.map((c) => c.key)}::text[]))`.execute(trx);
  const found = new Map(existing.rows.map((r) => [claimId(r), { scope: r.scope, key: r.key, requestHash: r.request_hash, resultId: r.result_id }]));
  for (const c of taken) if (!found.has(claimId(c))) throw new Error(`idempotency key ${c.scope}/${c.key} neither claimed nor found`);
  return found;
}

/** Gives back keys this transaction claimed for postings that were refused, so a retry may claim them. */
export async function unclaimIdempotencyKeys(trx: WalletTrx, claims: readonly ClaimKey[]): Promise<void> {
  if (claims.length === 0) return;
  await sql`
    delete from idempotency_keys
    where (scope, key) in (select * from unnest(${claims.map((c) => c.scope)}::text[], ${claims.map((c) => c.key)}::text[]))`.execute(trx);
}
