import { eventMoney, writeOutbox } from '@platform/events';
import { badInput, fail, inTransaction, newId, toMoney } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { findWallet, moveWallet, releaseHeld } from '../db/account-repository.ts';
import { expireDueHolds, findHold, insertHold, lockHold, resolveHold } from '../db/hold-repository.ts';
import { claimIdempotencyKey } from '../db/idempotency-repository.ts';
import type { WalletTrx } from '../db/transaction.ts';
import { insertTransfer } from '../db/transfer-repository.ts';
import type { WalletDatabase } from '../db/types.ts';
import type { Hold } from './hold.ts';
import { requestHash, type Idempotency } from './idempotency.ts';
import { isSystemAccount } from './system-accounts.ts';
import type { Transfer, TransferKind } from './transfer.ts';
import { GroupCommit, type GroupCommitStats, type Outcome } from './group-commit.ts';
import { postTransfers, type PendingTransfer } from './transfer-batch.ts';
import { LEDGER_MAX_MINOR, type Wallet } from './wallet.ts';
import { crossedThreshold, insufficientFunds, refusalOf, writeLowBalance, type Movement } from './wallet-movement.ts';

export const TOPIC_HOLD_PLACED = 'wallet.hold_placed';

export interface TransferCommand {
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly description?: string | null;
  readonly reference?: string | null;
  readonly correctsTransferId?: string | null;
  readonly idempotency: Idempotency;
}

export interface PlaceHoldCommand {
  readonly walletId: string;
  /** Where a capture will post the money. */
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly expiresAt: Date;
  readonly description?: string | null;
  readonly reference?: string | null;
  readonly idempotency: Idempotency;
}

export interface CaptureHoldCommand {
  readonly holdId: string;
  /** Minor units to post; the whole hold when absent. The rest is released. */
  readonly amount?: bigint | null;
  readonly idempotency: Idempotency;
}

export interface ReleaseHoldCommand {
  readonly holdId: string;
  readonly idempotency: Idempotency;
}

export interface LedgerOptions {
  /** Group transfers paid by the same wallet into one transaction (WALLET_GROUP_COMMIT); on unless false. */
  readonly groupCommit?: boolean;
}

/** The most postings one batch takes: its lock and transaction stay short, its statements small. */
const MAX_BATCH = 500;

/**
 * The double-entry core: transfers between any two accounts, and two-phase holds. Transfers go in
 * batches (group commit, postTransfers); each hold operation is one transaction of its own, as it
 * locks and resolves a hold row too. Either way the idempotency key is claimed first, wallet rows
 * are locked in id order and never pushed below their floor, the journal is appended to and the
 * events are written in the same transaction.
 */
export class Ledger {
  /** Null when group commit is off: each transfer is then its own transaction (a batch of one). */
  private readonly batches: GroupCommit<PendingTransfer, Transfer> | null;

  constructor(
    private readonly db: Kysely<WalletDatabase>,
    private readonly clock: () => Date = () => new Date(),
    options: LedgerOptions = {},
  ) {
    this.batches = (options.groupCommit ?? true) ? new GroupCommit((batch) => this.postBatch(batch), MAX_BATCH) : null;
  }

  /** One transaction for the batch (run again on a deadlock); any other failure fails all of it, said plainly. */
  private async postBatch(batch: readonly PendingTransfer[]): Promise<Outcome<Transfer>[]> {
    try {
      return await inTransaction(this.db, (trx) => postTransfers(trx, batch));
    } catch (error) {
      const what = batch.length === 1 ? 'a transfer' : `a batch of ${batch.length} transfers`;
      throw new Error(`${what} failed; nothing of it was written and it may be retried: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Posts a transfer. Transfers are grouped (group commit): those arriving while a batch is in
   * flight go together in the next one, one transaction, so a hot wallet pays one row-lock wait and
   * one commit per batch rather than per posting, and many wallets share a commit too. One batch at
   * a time per process: a batch waiting for a wallet's lock (another replica's batch, a hold
   * capture) holds up the next, which is what serialises replicas batch by batch. Each transfer
   * keeps its own outcome (see postTransfers). A database failure fails the whole batch, nothing
   * written, and every caller in it gets the error and may retry.
   */
  async transfer(cmd: TransferCommand): Promise<Transfer> {
    requirePositive(cmd.amount);
    // Checked here, not by the database, so one bad command cannot fail the batch it would join.
    if (cmd.amount > LEDGER_MAX_MINOR) throw badInput('amount', `must be at most ${toMoney(LEDGER_MAX_MINOR, cmd.currency).amount}.`);
    if (cmd.debitAccountId === cmd.creditAccountId) throw badInput('creditAccountId', 'must differ from the debit account.');
    for (const field of ['description', 'reference'] as const) {
      if (cmd[field]?.includes('\u0000')) throw badInput(field, 'must not contain a NUL character.');
    }
    const pending: PendingTransfer = { id: newId(), command: cmd };
    if (!this.batches) return unwrap((await this.postBatch([pending]))[0]);
    return this.batches.submit(pending);
  }

  /** How the group commit has gone: batches, postings, the largest batch (benchmarks report it). */
  groupCommitStats(): GroupCommitStats | null {
    return this.batches?.stats() ?? null;
  }

  /** Postings waiting for their batch (not those in one). */
  waitingPostings(): number {
    return this.batches?.waiting() ?? 0;
  }

  async placeHold(cmd: PlaceHoldCommand): Promise<Hold> {
    requirePositive(cmd.amount);
    if (cmd.walletId === cmd.creditAccountId) throw new Error('a hold cannot pay its own wallet');
    const id = newId();
    return inTransaction(this.db, async (trx) => {
      const earlier = await this.claim(trx, cmd.idempotency, id);
      if (earlier) return mustExist(await findHold(trx, earlier), 'hold', earlier);
      const after = await this.move(trx, [{ accountId: cmd.walletId, balance: 0n, held: cmd.amount }]);
      const hold = await insertHold(trx, {
        id,
        walletId: cmd.walletId,
        creditAccountId: cmd.creditAccountId,
        amount: cmd.amount,
        currency: cmd.currency,
        description: cmd.description ?? null,
        reference: cmd.reference ?? null,
        expiresAt: cmd.expiresAt,
      });
      const wallet = after.get(cmd.walletId);
      await writeOutbox(trx, TOPIC_HOLD_PLACED, {
        holdId: hold.id,
        walletId: hold.walletId,
        organizationId: wallet?.organizationId ?? null,
        amount: eventMoney(hold.amount, hold.currency),
        expiresAt: hold.expiresAt.toISOString(),
        reference: hold.reference,
      });
      return hold;
    });
  }

  async captureHold(cmd: CaptureHoldCommand): Promise<Hold> {
    if (cmd.amount !== undefined && cmd.amount !== null) requirePositive(cmd.amount);
    return inTransaction(this.db, async (trx) => {
      const earlier = await this.claim(trx, cmd.idempotency, cmd.holdId);
      if (earlier) return mustExist(await findHold(trx, earlier), 'hold', earlier);
      const hold = await this.lockOpenHold(trx, cmd.holdId, 'captured');
      if (this.clock() >= hold.expiresAt) {
        throw fail('INVALID_STATE', `The hold expired at ${hold.expiresAt.toISOString()} and can no longer be captured.`, { holdId: hold.id });
      }
      const captured = cmd.amount ?? hold.amount;
      if (captured > hold.amount) {
        throw badInput('amount', `must be at most the held ${toMoney(hold.amount, hold.currency).amount}.`);
      }
      const after = await this.move(trx, [
        { accountId: hold.walletId, balance: -captured, held: -hold.amount },
        { accountId: hold.creditAccountId, balance: captured, held: 0n },
      ]);
      await insertTransfer(trx, {
        id: newId(),
        kind: 'HOLD_CAPTURE',
        debitAccountId: hold.walletId,
        creditAccountId: hold.creditAccountId,
        amount: captured,
        currency: hold.currency,
        debitBalanceAfter: after.get(hold.walletId)?.balance ?? null,
        creditBalanceAfter: after.get(hold.creditAccountId)?.balance ?? null,
        holdId: hold.id,
        correctsTransferId: null,
        description: hold.description,
        reference: hold.reference,
      });
      return resolveHold(trx, hold.id, 'CAPTURED', captured, this.clock());
    });
  }

  async releaseHold(cmd: ReleaseHoldCommand): Promise<Hold> {
    return inTransaction(this.db, async (trx) => {
      const earlier = await this.claim(trx, cmd.idempotency, cmd.holdId);
      if (earlier) return mustExist(await findHold(trx, earlier), 'hold', earlier);
      const hold = await this.lockOpenHold(trx, cmd.holdId, 'released');
      await this.move(trx, [{ accountId: hold.walletId, balance: 0n, held: -hold.amount }]);
      return resolveHold(trx, hold.id, 'RELEASED', null, this.clock());
    });
  }

  /** Expires open holds due at `now`, giving their funds back; returns how many. */
  async expireHolds(now: Date = this.clock(), batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await inTransaction(this.db, async (trx) => {
        const rows = await expireDueHolds(trx, now, batch);
        const byWallet = new Map<string, bigint>();
        for (const r of rows) byWallet.set(r.walletId, (byWallet.get(r.walletId) ?? 0n) + r.amount);
        await releaseHeld(trx, byWallet);
        return rows.length;
      });
      total += expired;
      if (expired < batch) return total;
    }
  }

  /** Null when this call claimed the key; the earlier result's id when it is a repeat; CONFLICT when the request differs. */
  private async claim(trx: WalletTrx, idempotency: Idempotency, resultId: string): Promise<string | null> {
    const hash = requestHash(idempotency.request);
    const earlier = await claimIdempotencyKey(trx, { scope: idempotency.scope, key: idempotency.key, requestHash: hash, resultId });
    if (!earlier) return null;
    if (earlier.requestHash !== hash) {
      throw fail('CONFLICT', 'idempotencyKey was already used for a different request.', { field: 'idempotencyKey' });
    }
    return earlier.resultId;
  }

  private async lockOpenHold(trx: WalletTrx, holdId: string, verb: string): Promise<Hold> {
    const hold = await lockHold(trx, holdId);
    if (!hold) throw fail('NOT_FOUND', 'holdId: no such hold.', { field: 'holdId' });
    if (hold.status !== 'PENDING') {
      throw fail('INVALID_STATE', `The hold is already ${hold.status.toLowerCase()} and cannot be ${verb}.`, { holdId, status: hold.status });
    }
    return hold;
  }

  /**
   * Applies the movements to wallet rows in id order (the one lock order, so two postings never
   * deadlock), each a conditional update that refuses to pass the wallet's floor. System accounts
   * are left alone: their balance is their journal. Writes a low-balance event for each wallet
   * whose available amount fell below its threshold. (Holds; transfers go through postTransfers.)
   */
  private async move(trx: WalletTrx, movements: readonly Movement[]): Promise<Map<string, Wallet>> {
    const after = new Map<string, Wallet>();
    const ordered = movements.filter((m) => !isSystemAccount(m.accountId)).sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
    for (const m of ordered) {
      const wallet = await moveWallet(trx, m.accountId, m.balance, m.held);
      if (!wallet) {
        // Read after the refused update, so a wallet topped up in between still reports what was refused.
        const current = await findWallet(trx, m.accountId);
        throw refusalOf(current, m) ?? insufficientFunds(current as Wallet, m);
      }
      after.set(m.accountId, wallet);
      const before = { ...wallet, balance: wallet.balance - m.balance, held: wallet.held - m.held };
      if (crossedThreshold(before, wallet)) await writeLowBalance(trx, wallet);
    }
    return after;
  }
}

function requirePositive(amount: bigint): void {
  if (amount <= 0n) throw badInput('amount', 'must be more than zero.');
}

function mustExist<T>(value: T | null, what: string, id: string): T {
  if (value === null) throw new Error(`idempotency key points at missing ${what} ${id}`);
  return value;
}

function unwrap<T>(outcome: Outcome<T> | undefined): T {
  if (!outcome) throw new Error('a batch of one came back without its outcome');
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
