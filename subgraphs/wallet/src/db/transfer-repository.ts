import { minorFromDb, type PageQuery } from '@platform/kernel';
import { sql, type Kysely, type Selectable } from 'kysely';
import { postingOf, type Posting } from '../domain/posting.ts';
import type { Transfer, TransferKind } from '../domain/transfer.ts';
import { pagesByParent } from './pages-by-parent.ts';
import type { WalletTrx } from './transaction.ts';
import type { TransfersTable, WalletDatabase } from './types.ts';

function toTransfer(row: Selectable<TransfersTable>): Transfer {
  return {
    id: row.id,
    kind: row.kind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: minorFromDb(row.amount),
    currency: row.currency,
    debitBalanceAfter: row.debit_balance_after === null ? null : minorFromDb(row.debit_balance_after),
    creditBalanceAfter: row.credit_balance_after === null ? null : minorFromDb(row.credit_balance_after),
    holdId: row.hold_id,
    correctsTransferId: row.corrects_transfer_id,
    description: row.description,
    reference: row.reference,
    createdAt: row.created_at,
  };
}

export type NewTransfer = Omit<Transfer, 'createdAt'>;

export async function insertTransfer(trx: WalletTrx, t: NewTransfer): Promise<Transfer> {
  const row = await trx
    .insertInto('transfers')
    .values({
      id: t.id,
      kind: t.kind,
      debit_account_id: t.debitAccountId,
      credit_account_id: t.creditAccountId,
      amount: t.amount,
      currency: t.currency,
      debit_balance_after: t.debitBalanceAfter,
      credit_balance_after: t.creditBalanceAfter,
      hold_id: t.holdId,
      corrects_transfer_id: t.correctsTransferId,
      description: t.description,
      reference: t.reference,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTransfer(row);
}

/**
 * Appends a batch's transfers in one statement, in the order given (ids are time-ordered, so a
 * statement lists them in the order their balances were computed).
 */
export async function insertTransfers(trx: WalletTrx, transfers: readonly NewTransfer[]): Promise<Map<string, Transfer>> {
  if (transfers.length === 0) return new Map();
  const col = <K extends keyof NewTransfer>(k: K) => transfers.map((t) => t[k]);
  const minor = (values: readonly (bigint | null)[]) => values.map((v) => (v === null ? null : v.toString()));
  const rows = await sql<Selectable<TransfersTable>>`
    insert into transfers (id, kind, debit_account_id, credit_account_id, amount, currency, debit_balance_after,
                           credit_balance_after, hold_id, corrects_transfer_id, description, reference)
    select * from unnest(${col('id')}::uuid[], ${col('kind')}::text[], ${col('debitAccountId')}::uuid[], ${col('creditAccountId')}::uuid[],
                         ${minor(col('amount'))}::bigint[], ${col('currency')}::text[], ${minor(col('debitBalanceAfter'))}::bigint[],
                         ${minor(col('creditBalanceAfter'))}::bigint[], ${col('holdId')}::uuid[], ${col('correctsTransferId')}::uuid[],
                         ${col('description')}::text[], ${col('reference')}::text[])
    returning *`.execute(trx);
  return new Map(rows.rows.map((row) => [row.id, toTransfer(row)]));
}

export async function findTransfers(db: Kysely<WalletDatabase>, ids: readonly string[]): Promise<Map<string, Transfer>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('transfers')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, toTransfer(row)]));
}

export async function findTransfer(db: Kysely<WalletDatabase>, id: string): Promise<Transfer | null> {
  const row = await db.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toTransfer(row) : null;
}

export interface TransferFilter {
  readonly kinds?: readonly TransferKind[] | null;
  readonly since?: Date | null;
  readonly until?: Date | null;
}

/**
 * A page of each wallet's statement (its transfers, newest first, seen from its side), in one
 * statement. Each side is read by its own index and limited before the merge.
 */
export async function postingPages(
  db: Kysely<WalletDatabase>,
  walletIds: readonly string[],
  { fetch, after, filter }: PageQuery<string, TransferFilter>,
): Promise<Map<string, Posting[]>> {
  const side = (walletId: string, column: 'debit_account_id' | 'credit_account_id') =>
    db
      .selectFrom('transfers')
      .selectAll()
      .where(column, '=', walletId)
      .$if(after !== null, (q) => q.where('id', '<', after as string))
      .$if(!!filter.kinds && filter.kinds.length > 0, (q) => q.where('kind', 'in', filter.kinds as TransferKind[]))
      .$if(!!filter.since, (q) => q.where('created_at', '>=', filter.since as Date))
      .$if(!!filter.until, (q) => q.where('created_at', '<', filter.until as Date))
      .orderBy('id', 'desc')
      .limit(fetch);
  const pages = await pagesByParent<WalletDatabase, Selectable<TransfersTable>>(
    db,
    walletIds,
    (walletId) =>
      sql`select * from ((${side(walletId, 'debit_account_id')}) union all (${side(walletId, 'credit_account_id')})) as t order by id desc limit ${fetch}`,
  );
  return new Map([...pages].map(([walletId, rows]) => [walletId, rows.map((row) => postingOf(toTransfer(row), walletId))]));
}

/**
 * Every account's balance as its journal says (credits minus debits), for the invariant checks of
 * tests and benchmarks and for system accounts, whose balance is not kept on a row. A system
 * account's sum can pass bigint's range (money in from every wallet), so it stays numeric.
 */
export async function journalBalances(db: Kysely<WalletDatabase>): Promise<Map<string, bigint>> {
  const rows = await sql<{ account_id: string; balance: string }>`
    select account_id, sum(amount)::text as balance from (
      select credit_account_id as account_id, amount from transfers
      union all
      select debit_account_id, -amount from transfers
    ) as entries group by account_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.account_id, minorFromDb(r.balance)]));
}
