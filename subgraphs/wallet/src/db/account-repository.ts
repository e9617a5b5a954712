import { minorFromDb, newId } from '@platform/kernel';
import { sql, type Kysely, type Selectable } from 'kysely';
import { LEDGER_MAX_MINOR, type Wallet } from '../domain/wallet.ts';
import type { WalletTrx } from './transaction.ts';
import type { AccountsTable, WalletDatabase } from './types.ts';

const WALLET_COLUMNS = ['id', 'organization_id', 'currency', 'balance', 'held', 'credit_limit', 'low_balance_threshold', 'created_at'] as const;
type WalletRow = Pick<Selectable<AccountsTable>, (typeof WALLET_COLUMNS)[number]>;

function toWallet(row: WalletRow): Wallet {
  if (row.organization_id === null) throw new Error(`account ${row.id} is not a wallet`);
  return {
    id: row.id,
    organizationId: row.organization_id,
    currency: row.currency,
    balance: minorFromDb(row.balance),
    held: minorFromDb(row.held),
    creditLimit: minorFromDb(row.credit_limit),
    lowBalanceThreshold: row.low_balance_threshold === null ? null : minorFromDb(row.low_balance_threshold),
    createdAt: row.created_at,
  };
}

/** The organisation's wallet id, creating the wallet if there is none (concurrent callers agree on one). */
export async function ensureWalletId(db: Kysely<WalletDatabase>, organizationId: string, currency: string): Promise<string> {
  const inserted = await db
    .insertInto('accounts')
    .values({ id: newId(), kind: 'WALLET', organization_id: organizationId, currency })
    .onConflict((oc) => oc.column('organization_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await findWalletId(db, organizationId);
  if (!existing) throw new Error(`wallet of ${organizationId} neither inserted nor found`);
  return existing;
}

export async function findWalletId(db: Kysely<WalletDatabase>, organizationId: string): Promise<string | null> {
  const row = await db.selectFrom('accounts').select('id').where('organization_id', '=', organizationId).executeTakeFirst();
  return row?.id ?? null;
}

export async function findWallet(db: Kysely<WalletDatabase>, id: string): Promise<Wallet | null> {
  const row = await db.selectFrom('accounts').select(WALLET_COLUMNS).where('id', '=', id).where('kind', '=', 'WALLET').executeTakeFirst();
  return row ? toWallet(row) : null;
}

export async function findWalletsByIds(db: Kysely<WalletDatabase>, ids: readonly string[]): Promise<Wallet[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('accounts').select(WALLET_COLUMNS).where('id', 'in', ids).where('kind', '=', 'WALLET').execute();
  return rows.map(toWallet);
}

export async function findWalletsByOrganizations(db: Kysely<WalletDatabase>, organizationIds: readonly string[]): Promise<Wallet[]> {
  if (organizationIds.length === 0) return [];
  const rows = await db.selectFrom('accounts').select(WALLET_COLUMNS).where('organization_id', 'in', organizationIds).execute();
  return rows.map(toWallet);
}

/** The highest value a column may hold before adding `delta` keeps it within LEDGER_MAX_MINOR. */
const ceilingBefore = (delta: bigint): bigint => (delta > 0n ? LEDGER_MAX_MINOR - delta : LEDGER_MAX_MINOR);

/**
 * Changes a wallet's balance and held amount in one conditional statement: the row is updated
 * only if the result stays at or above the wallet's floor and within the ledger's range, so two concurrent debits can never
 * both pass a check made on a stale balance. Null when the wallet is missing or would go below.
 * (PostgreSQL re-checks the condition on the latest row version after waiting for a lock.)
 */
export async function moveWallet(trx: WalletTrx, id: string, balanceDelta: bigint, heldDelta: bigint): Promise<Wallet | null> {
  const row = await trx
    .updateTable('accounts')
    .set({
      balance: sql<string>`balance + ${balanceDelta.toString()}::bigint`,
      held: sql<string>`held + ${heldDelta.toString()}::bigint`,
    })
    .where('id', '=', id)
    .where('kind', '=', 'WALLET')
    // The CASE tests the ceiling first, so the floor check never computes a sum past bigint's range.
    .where(
      sql<boolean>`case when balance <= ${ceilingBefore(balanceDelta).toString()}::bigint and held <= ${ceilingBefore(heldDelta).toString()}::bigint
        then balance + ${balanceDelta.toString()}::bigint - (held + ${heldDelta.toString()}::bigint) >= -credit_limit else false end`,
    )
    .returning(WALLET_COLUMNS)
    .executeTakeFirst();
  return row ? toWallet(row) : null;
}

/**
 * Gives back held amounts on several wallets at once (hold expiry). Rows are locked in id order
 * first, the order every other posting locks them in, so this cannot deadlock with a transfer.
 */
export async function releaseHeld(trx: WalletTrx, amounts: ReadonlyMap<string, bigint>): Promise<void> {
  if (amounts.size === 0) return;
  const ids = [...amounts.keys()].sort();
  await trx.selectFrom('accounts').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
  const values = sql.join(ids.map((id) => sql`(${id}::uuid, ${(amounts.get(id) ?? 0n).toString()}::bigint)`));
  await sql`update accounts set held = accounts.held - v.amount from (values ${values}) as v(id, amount) where accounts.id = v.id`.execute(trx);
}

/**
 * Locks the wallets among `ids` in id order (the one lock order, as in releaseHeld) and returns
 * them as they stand: a batch of postings is then checked against these balances in memory.
 */
export async function lockWallets(trx: WalletTrx, ids: readonly string[]): Promise<Map<string, Wallet>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('accounts')
    .select(WALLET_COLUMNS)
    .where('id', 'in', [...ids])
    .where('kind', '=', 'WALLET')
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((row) => [row.id, toWallet(row)]));
}

/**
 * Adds each wallet's net change of a batch to its balance, in one statement, on rows the caller
 * has locked. The table's floor constraints still refuse anything below the floor.
 */
export async function addToBalances(trx: WalletTrx, deltas: ReadonlyMap<string, bigint>): Promise<void> {
  const changed = [...deltas].filter(([, delta]) => delta !== 0n).sort(([a], [b]) => (a < b ? -1 : 1));
  if (changed.length === 0) return;
  const result = await sql`
    update accounts set balance = accounts.balance + v.delta
    from unnest(${changed.map(([id]) => id)}::uuid[], ${changed.map(([, delta]) => delta.toString())}::bigint[]) as v(id, delta)
    where accounts.id = v.id and accounts.kind = 'WALLET'`.execute(trx);
  if (Number(result.numAffectedRows ?? -1) !== changed.length)
    throw new Error(`${changed.length} wallet balances to change, ${String(result.numAffectedRows)} changed`);
}

export async function setLowBalanceThreshold(db: Kysely<WalletDatabase>, id: string, threshold: bigint | null): Promise<Wallet> {
  const row = await db
    .updateTable('accounts')
    .set({ low_balance_threshold: threshold })
    .where('id', '=', id)
    .returning(WALLET_COLUMNS)
    .executeTakeFirstOrThrow();
  return toWallet(row);
}

/** Every wallet, for the ledger audit (an operator's check, not a request path). */
export async function allWallets(db: Kysely<WalletDatabase>): Promise<Wallet[]> {
  const rows = await db.selectFrom('accounts').select(WALLET_COLUMNS).where('kind', '=', 'WALLET').orderBy('id').execute();
  return rows.map(toWallet);
}
