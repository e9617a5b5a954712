import { minorFromDb, type PageQuery } from '@platform/kernel';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Hold, HoldStatus } from '../domain/hold.ts';
import { pagesByParent } from './pages-by-parent.ts';
import type { WalletTrx } from './transaction.ts';
import type { HoldsTable, WalletDatabase } from './types.ts';

function toHold(row: Selectable<HoldsTable>): Hold {
  return {
    id: row.id,
    walletId: row.wallet_id,
    creditAccountId: row.credit_account_id,
    amount: minorFromDb(row.amount),
    currency: row.currency,
    status: row.status,
    capturedAmount: row.captured_amount === null ? null : minorFromDb(row.captured_amount),
    description: row.description,
    reference: row.reference,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

export type NewHold = Pick<Hold, 'id' | 'walletId' | 'creditAccountId' | 'amount' | 'currency' | 'description' | 'reference' | 'expiresAt'>;

export async function insertHold(trx: WalletTrx, h: NewHold): Promise<Hold> {
  const row = await trx
    .insertInto('holds')
    .values({
      id: h.id,
      wallet_id: h.walletId,
      credit_account_id: h.creditAccountId,
      amount: h.amount,
      currency: h.currency,
      description: h.description,
      reference: h.reference,
      expires_at: h.expiresAt,
      resolved_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toHold(row);
}

/** The hold, locked until the transaction ends: whoever resolves it holds this lock first. */
export async function lockHold(trx: WalletTrx, id: string): Promise<Hold | null> {
  const row = await trx.selectFrom('holds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toHold(row) : null;
}

export async function findHold(db: Kysely<WalletDatabase>, id: string): Promise<Hold | null> {
  const row = await db.selectFrom('holds').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toHold(row) : null;
}

export async function resolveHold(
  trx: WalletTrx,
  id: string,
  status: Exclude<HoldStatus, 'PENDING'>,
  capturedAmount: bigint | null,
  resolvedAt: Date,
): Promise<Hold> {
  const row = await trx
    .updateTable('holds')
    .set({ status, captured_amount: capturedAmount, resolved_at: resolvedAt })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .returningAll()
    .executeTakeFirstOrThrow();
  return toHold(row);
}

/**
 * Expires up to `limit` open holds that were due at `now`, skipping any another transaction is
 * resolving; returns what each gave back.
 */
export async function expireDueHolds(trx: WalletTrx, now: Date, limit: number): Promise<{ walletId: string; amount: bigint }[]> {
  const rows = await trx
    .updateTable('holds')
    .set({ status: 'EXPIRED', resolved_at: now })
    .where('id', 'in', (q) =>
      q
        .selectFrom('holds')
        .select('id')
        .where('status', '=', 'PENDING')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where('status', '=', 'PENDING')
    .returning(['wallet_id', 'amount'])
    .execute();
  return rows.map((r) => ({ walletId: r.wallet_id, amount: minorFromDb(r.amount) }));
}

/** A page of each wallet's holds, newest first, in one statement; `filter` is the status, null for all. */
export async function holdPages(
  db: Kysely<WalletDatabase>,
  walletIds: readonly string[],
  { fetch, after, filter: status }: PageQuery<string, HoldStatus | null>,
): Promise<Map<string, Hold[]>> {
  const pages = await pagesByParent<WalletDatabase, Selectable<HoldsTable>>(db, walletIds, (walletId) =>
    db
      .selectFrom('holds')
      .selectAll()
      .where('wallet_id', '=', walletId)
      .$if(status !== null, (q) => q.where('status', '=', status as HoldStatus))
      .$if(after !== null, (q) => q.where('id', '<', after as string))
      .orderBy('id', 'desc')
      .limit(fetch),
  );
  return new Map([...pages].map(([walletId, rows]) => [walletId, rows.map(toHold)]));
}

/** Each wallet's open holds summed, for invariant checks. */
export async function pendingHeldByWallet(db: Kysely<WalletDatabase>): Promise<Map<string, bigint>> {
  const rows = await sql<{ wallet_id: string; held: string }>`
    select wallet_id, sum(amount)::bigint as held from holds where status = 'PENDING' group by wallet_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.wallet_id, minorFromDb(r.held)]));
}
