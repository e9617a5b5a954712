import type { Kysely } from 'kysely';
import { allWallets } from '../db/account-repository.ts';
import { pendingHeldByWallet } from '../db/hold-repository.ts';
import { journalBalances } from '../db/transfer-repository.ts';
import type { WalletDatabase } from '../db/types.ts';
import { availableOf } from './wallet.ts';

export interface WalletAudit {
  readonly walletId: string;
  readonly organizationId: string;
  readonly balance: bigint;
  readonly held: bigint;
  readonly available: bigint;
  readonly creditLimit: bigint;
  /** Credits minus debits in the journal: what `balance` must equal. */
  readonly journal: bigint;
  /** The sum of open holds: what `held` must equal. */
  readonly openHolds: bigint;
}

export interface LedgerAudit {
  readonly wallets: readonly WalletAudit[];
  /** Double entry: each transfer's two sides cancel, so the whole journal sums to zero. */
  readonly journalTotal: bigint;
  /** Wallets whose running balance or held amount disagrees with the journal or the holds. */
  readonly mismatched: readonly string[];
  /** Wallets below their floor (the database refuses this; the audit says so if it ever happened). */
  readonly belowFloor: readonly string[];
  readonly ok: boolean;
}

/** Recomputes every wallet from the journal and the open holds and compares (tests, benchmarks, operators). */
export async function auditLedger(db: Kysely<WalletDatabase>): Promise<LedgerAudit> {
  const [wallets, journal, holds] = await Promise.all([allWallets(db), journalBalances(db), pendingHeldByWallet(db)]);
  const audited = wallets.map((w) => ({
    walletId: w.id,
    organizationId: w.organizationId,
    balance: w.balance,
    held: w.held,
    available: availableOf(w),
    creditLimit: w.creditLimit,
    journal: journal.get(w.id) ?? 0n,
    openHolds: holds.get(w.id) ?? 0n,
  }));
  const journalTotal = [...journal.values()].reduce((sum, b) => sum + b, 0n);
  const mismatched = audited.filter((w) => w.balance !== w.journal || w.held !== w.openHolds).map((w) => w.walletId);
  const belowFloor = audited.filter((w) => w.available < -w.creditLimit || w.balance < -w.creditLimit).map((w) => w.walletId);
  return { wallets: audited, journalTotal, mismatched, belowFloor, ok: journalTotal === 0n && mismatched.length === 0 && belowFloor.length === 0 };
}
