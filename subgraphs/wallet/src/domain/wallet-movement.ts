import { eventMoney, writeOutbox } from '@platform/events';
import { badInput, fail, toMoney } from '@platform/kernel';
import type { GraphQLError } from 'graphql';
import type { WalletTrx } from '../db/transaction.ts';
import { availableOf, LEDGER_MAX_MINOR, type Wallet } from './wallet.ts';

export const TOPIC_LOW_BALANCE = 'wallet.low_balance';

/** A wallet's balance change by one posting. */
export interface Movement {
  readonly accountId: string;
  readonly balance: bigint;
  readonly held: bigint;
}

/**
 * Why a wallet refuses a movement, or null when it takes it: the same rule as the database's floor
 * (balance − held ≥ −credit limit) and the ledger's bigint range.
 */
export function refusalOf(wallet: Wallet | null, m: Movement): GraphQLError | null {
  if (!wallet) return fail('NOT_FOUND', 'The wallet does not exist.', { walletId: m.accountId });
  if (wallet.balance > LEDGER_MAX_MINOR - m.balance || wallet.held > LEDGER_MAX_MINOR - m.held) {
    return badInput('amount', `would take the wallet past the ledger's limit of ${toMoney(LEDGER_MAX_MINOR, wallet.currency).amount}.`);
  }
  if (availableOf(wallet) + m.balance - m.held >= -wallet.creditLimit) return null;
  return insufficientFunds(wallet, m);
}

export function insufficientFunds(wallet: Wallet, m: Movement): GraphQLError {
  const requested = m.held - m.balance;
  const spendable = availableOf(wallet) + wallet.creditLimit;
  return fail(
    'INSUFFICIENT_FUNDS',
    `The wallet has ${toMoney(spendable, wallet.currency).amount} ${wallet.currency} available; ${toMoney(requested, wallet.currency).amount} is needed.`,
    { available: toMoney(availableOf(wallet), wallet.currency), requested: toMoney(requested, wallet.currency) },
  );
}

/** True when the available amount fell from at or above the wallet's low-balance threshold to below it. */
export function crossedThreshold(before: Wallet, after: Wallet): boolean {
  const threshold = after.lowBalanceThreshold;
  return threshold !== null && availableOf(before) >= threshold && availableOf(after) < threshold;
}

export async function writeLowBalance(trx: WalletTrx, wallet: Wallet): Promise<void> {
  const threshold = wallet.lowBalanceThreshold;
  if (threshold === null) return;
  await writeOutbox(trx, TOPIC_LOW_BALANCE, {
    walletId: wallet.id,
    organizationId: wallet.organizationId,
    available: eventMoney(availableOf(wallet), wallet.currency),
    threshold: eventMoney(threshold, wallet.currency),
  });
}
