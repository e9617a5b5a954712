import type { Transfer, TransferKind } from './transfer.ts';

/** A transfer seen from one wallet: what its statement shows. */
export interface Posting {
  readonly id: string;
  readonly walletId: string;
  readonly kind: TransferKind;
  /** Signed: positive credits the wallet, negative debits it. */
  readonly amount: bigint;
  readonly balanceAfter: bigint;
  readonly currency: string;
  readonly description: string | null;
  readonly reference: string | null;
  readonly correctsTransferId: string | null;
  readonly createdAt: Date;
}

export function postingOf(transfer: Transfer, walletId: string): Posting {
  const credited = transfer.creditAccountId === walletId;
  if (!credited && transfer.debitAccountId !== walletId) throw new Error(`transfer ${transfer.id} does not touch wallet ${walletId}`);
  const balanceAfter = credited ? transfer.creditBalanceAfter : transfer.debitBalanceAfter;
  if (balanceAfter === null) throw new Error(`transfer ${transfer.id} has no balance for wallet ${walletId}`);
  return {
    id: transfer.id,
    walletId,
    kind: transfer.kind,
    amount: credited ? transfer.amount : -transfer.amount,
    balanceAfter,
    currency: transfer.currency,
    description: transfer.description,
    reference: transfer.reference,
    correctsTransferId: transfer.correctsTransferId,
    createdAt: transfer.createdAt,
  };
}
