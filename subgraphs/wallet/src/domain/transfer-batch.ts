import { fail } from '@platform/kernel';
import { addToBalances, lockWallets } from '../db/account-repository.ts';
import { claimId, claimIdempotencyKeys, unclaimIdempotencyKeys, type StoredClaim } from '../db/idempotency-repository.ts';
import type { WalletTrx } from '../db/transaction.ts';
import { findTransfers, insertTransfers, type NewTransfer } from '../db/transfer-repository.ts';
import type { Outcome } from './group-commit.ts';
import { requestHash } from './idempotency.ts';
import type { TransferCommand } from './ledger.ts';
import { isSystemAccount } from './system-accounts.ts';
import type { Transfer } from './transfer.ts';
import type { Wallet } from './wallet.ts';
import { crossedThreshold, refusalOf, writeLowBalance } from './wallet-movement.ts';

/** A transfer waiting for its batch, with the id it will have if it posts. */
export interface PendingTransfer {
  readonly id: string;
  readonly command: TransferCommand;
}

/**
 * Posts a batch of transfers in the caller's transaction, each with the guarantees it would have
 * alone, in arrival order:
 * 1. idempotency: the batch's keys are claimed in one statement; a key already claimed (committed
 *    earlier, or by another process's batch that commits first) returns its first result, a
 *    different request under it is CONFLICT; a key repeated inside the batch follows its first use;
 * 2. the wallets involved are locked in id order and each posting is checked against the balances
 *    the postings before it left, so one that would overdraw is refused on its own;
 * 3. the journal rows, the wallets' net changes and the low-balance events are written set-based,
 *    and the keys of refused postings are given back, so a retry may claim them.
 * A database error throws: the transaction rolls back and nothing of the batch is written.
 */
export async function postTransfers(trx: WalletTrx, batch: readonly PendingTransfer[]): Promise<Outcome<Transfer>[]> {
  const outcomes: (Outcome<Transfer> | undefined)[] = batch.map(() => undefined);
  const hashes = batch.map((p) => requestHash(p.command.idempotency.request));

  // Within the batch: the first posting with a key leads, later ones with the same request follow it.
  const leaderOf = new Map<string, number>();
  const followers: { index: number; leader: number }[] = [];
  batch.forEach((p, i) => {
    const id = claimId(p.command.idempotency);
    const leader = leaderOf.get(id);
    if (leader === undefined) leaderOf.set(id, i);
    else if (hashes[leader] !== hashes[i]) outcomes[i] = { ok: false, error: conflict() };
    else followers.push({ index: i, leader });
  });
  const leaders = [...leaderOf.values()];

  const claims = leaders.map((i): StoredClaim => {
    const p = batch[i] as PendingTransfer;
    return { scope: p.command.idempotency.scope, key: p.command.idempotency.key, requestHash: hashes[i] as string, resultId: p.id };
  });
  const earlier = await claimIdempotencyKeys(trx, claims);
  const repeats = new Map<number, string>();
  const fresh: number[] = [];
  for (const i of leaders) {
    const claim = earlier.get(claimId((batch[i] as PendingTransfer).command.idempotency));
    if (!claim) fresh.push(i);
    else if (claim.requestHash !== hashes[i]) outcomes[i] = { ok: false, error: conflict() };
    else repeats.set(i, claim.resultId);
  }
  const found = await findTransfers(trx, [...repeats.values()]);
  for (const [i, resultId] of repeats) {
    const transfer = found.get(resultId);
    if (!transfer) throw new Error(`idempotency key points at missing transfer ${resultId}`);
    outcomes[i] = { ok: true, value: transfer };
  }

  const wallets = await lockWallets(trx, [...new Set(fresh.flatMap((i) => walletSides(batch[i] as PendingTransfer)))].sort());
  const netChange = new Map<string, bigint>();
  const posted: NewTransfer[] = [];
  const postedIndex: number[] = [];
  const refused: number[] = [];
  const lowBalance: Wallet[] = [];
  for (const i of fresh) {
    const p = batch[i] as PendingTransfer;
    const { debitAccountId, creditAccountId, amount } = p.command;
    const movements = [
      { accountId: debitAccountId, balance: -amount, held: 0n },
      { accountId: creditAccountId, balance: amount, held: 0n },
    ].filter((m) => !isSystemAccount(m.accountId));
    const refusal = movements.map((m) => refusalOf(wallets.get(m.accountId) ?? null, m)).find((r) => r !== null);
    if (refusal) {
      outcomes[i] = { ok: false, error: refusal };
      refused.push(i);
      continue;
    }
    for (const m of movements) {
      const before = wallets.get(m.accountId) as Wallet;
      const after = { ...before, balance: before.balance + m.balance };
      wallets.set(m.accountId, after);
      netChange.set(m.accountId, (netChange.get(m.accountId) ?? 0n) + m.balance);
      if (crossedThreshold(before, after)) lowBalance.push(after);
    }
    postedIndex.push(i);
    posted.push({
      id: p.id,
      kind: p.command.kind,
      debitAccountId,
      creditAccountId,
      amount,
      currency: p.command.currency,
      debitBalanceAfter: wallets.get(debitAccountId)?.balance ?? null,
      creditBalanceAfter: wallets.get(creditAccountId)?.balance ?? null,
      holdId: null,
      correctsTransferId: p.command.correctsTransferId ?? null,
      description: p.command.description ?? null,
      reference: p.command.reference ?? null,
    });
  }

  const inserted = await insertTransfers(trx, posted);
  await addToBalances(trx, netChange);
  await unclaimIdempotencyKeys(
    trx,
    refused.map((i) => (batch[i] as PendingTransfer).command.idempotency),
  );
  for (const wallet of lowBalance) await writeLowBalance(trx, wallet);
  posted.forEach((t, n) => {
    const transfer = inserted.get(t.id);
    if (!transfer) throw new Error(`transfer ${t.id} was not inserted`);
    outcomes[postedIndex[n] as number] = { ok: true, value: transfer };
  });
  for (const { index, leader } of followers) outcomes[index] = outcomes[leader];
  return outcomes.map((o, i) => o ?? { ok: false, error: new Error(`posting ${batch[i]?.id} has no outcome`) });
}

/** The wallets (not system accounts) a transfer moves: the rows its batch must lock. */
function walletSides(p: PendingTransfer): string[] {
  return [p.command.debitAccountId, p.command.creditAccountId].filter((id) => !isSystemAccount(id));
}

const conflict = () => fail('CONFLICT', 'idempotencyKey was already used for a different request.', { field: 'idempotencyKey' });
