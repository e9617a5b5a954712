import { minorFromDb } from '@platform/kernel';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { TopUp, TopUpStatus } from '../domain/payments.ts';
import type { TopUpsTable } from './payments-tables.ts';
import type { BillingDatabase, BillingDb } from './types.ts';

type Db = BillingDb | Transaction<BillingDatabase>;

const toTopUp = (row: Selectable<TopUpsTable>): TopUp => ({
  id: row.id,
  organizationId: row.organization_id,
  amountMinor: minorFromDb(row.amount_minor),
  currency: row.currency,
  status: row.status as TopUpStatus,
  idempotencyKey: row.idempotency_key,
  provider: row.provider,
  providerReference: row.provider_reference,
  checkoutUrl: row.checkout_url,
  failureReason: row.failure_reason,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  completedAt: row.completed_at,
  creditedAt: row.credited_at,
  refundedAt: row.refunded_at,
  refundPostedAt: row.refund_posted_at,
  walletProblem: row.wallet_problem,
});

export interface NewTopUp {
  readonly id: string;
  readonly organizationId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly idempotencyKey: string | null;
  readonly requestedBy: string;
  readonly provider: string;
  readonly expiresAt: Date;
}

/** Inserts, or (same organisation and idempotency key) returns null: the caller reads the existing one. */
export async function insertTopUp(trx: Transaction<BillingDatabase>, t: NewTopUp): Promise<TopUp | null> {
  const row = await trx
    .insertInto('top_ups')
    .values({
      id: t.id,
      organization_id: t.organizationId,
      amount_minor: t.amountMinor.toString(),
      currency: t.currency,
      status: 'PENDING',
      idempotency_key: t.idempotencyKey,
      requested_by: t.requestedBy,
      provider: t.provider,
      expires_at: t.expiresAt,
    })
    .onConflict((oc) => oc.columns(['organization_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toTopUp(row) : null;
}

export async function findTopUpByKey(db: Db, organizationId: string, idempotencyKey: string): Promise<TopUp | null> {
  const row = await db
    .selectFrom('top_ups')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row ? toTopUp(row) : null;
}

export async function findTopUps(db: Db, ids: readonly string[]): Promise<TopUp[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('top_ups').selectAll().where('id', 'in', ids).execute()).map(toTopUp);
}

export async function lockTopUp(trx: Transaction<BillingDatabase>, id: string): Promise<TopUp | null> {
  const row = await trx.selectFrom('top_ups').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toTopUp(row) : null;
}

/** Records the checkout once: a second checkout for the same top-up (a retried request) keeps the first. */
export async function setCheckout(db: Db, id: string, providerReference: string, checkoutUrl: string): Promise<TopUp> {
  await db
    .updateTable('top_ups')
    .set({ provider_reference: providerReference, checkout_url: checkoutUrl })
    .where('id', '=', id)
    .where('checkout_url', 'is', null)
    .execute();
  return toTopUp(await db.selectFrom('top_ups').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

export async function moveTopUp(
  trx: Transaction<BillingDatabase>,
  id: string,
  to: TopUpStatus,
  at: Date,
  reason: string | null,
  providerReference: string | null,
): Promise<TopUp> {
  const row = await trx
    .updateTable('top_ups')
    .set({
      status: to,
      failure_reason: to === 'FAILED' || to === 'EXPIRED' ? reason : null,
      ...(to === 'REFUNDED' ? { refunded_at: at } : { completed_at: at }),
      provider_reference: sql<string | null>`coalesce(provider_reference, ${providerReference})`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTopUp(row);
}

/** Pending top-ups past their expiry, locked (skipping any a webhook holds right now). */
export async function lockExpiredPending(trx: Transaction<BillingDatabase>, now: Date, limit: number): Promise<TopUp[]> {
  const rows = await trx
    .selectFrom('top_ups')
    .selectAll()
    .where('status', '=', 'PENDING')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map(toTopUp);
}

/** Top-ups whose wallet credit (or refund) is still to be posted and has not been refused. */
export async function findUnposted(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('top_ups')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'SUCCEEDED'), eb('credited_at', 'is', null)]),
        eb.and([eb('status', '=', 'REFUNDED'), eb('refund_posted_at', 'is', null)]),
      ]),
    )
    .where('wallet_problem', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function markCredited(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('top_ups').set({ credited_at: at }).where('id', '=', id).where('credited_at', 'is', null).execute();
}

export async function markRefundPosted(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('top_ups').set({ refund_posted_at: at }).where('id', '=', id).where('refund_posted_at', 'is', null).execute();
}

export async function markWalletProblem(db: Db, id: string, problem: string): Promise<void> {
  await db
    .updateTable('top_ups')
    .set({ wallet_problem: problem.slice(0, 1000) })
    .where('id', '=', id)
    .execute();
}

/** Records a provider event id; false when it was seen before (a redelivery or a replay). */
export async function recordWebhookEvent(
  trx: Transaction<BillingDatabase>,
  provider: string,
  eventId: string,
  type: string,
  topUpId: string,
): Promise<boolean> {
  const row = await trx
    .insertInto('payment_webhook_events')
    .values({ provider, event_id: eventId, type, top_up_id: topUpId })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** One page of top-ups (newest first) per organisation, in a single statement. */
export async function topUpPages(db: Db, organizationIds: readonly string[], fetch: number, after: string | null): Promise<Map<string, TopUp[]>> {
  const pages = new Map<string, TopUp[]>(organizationIds.map((id) => [id, []]));
  if (organizationIds.length === 0) return pages;
  const ranked = db
    .selectFrom('top_ups')
    .selectAll()
    .select(sql<number>`row_number() over (partition by organization_id order by id desc)`.as('rank'))
    .where('organization_id', 'in', organizationIds)
    .$if(after !== null, (q) => q.where('id', '<', after!));
  const rows = await db.selectFrom(ranked.as('ranked')).selectAll().where('rank', '<=', fetch).orderBy('organization_id').orderBy('rank').execute();
  for (const row of rows) pages.get(row.organization_id)?.push(toTopUp(row));
  return pages;
}
