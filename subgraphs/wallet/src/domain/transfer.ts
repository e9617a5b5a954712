export type TransferKind = 'TOP_UP' | 'ADJUSTMENT' | 'HOLD_CAPTURE' | 'BILL_PAYMENT' | 'COMMISSION' | 'TRANSFER';

/** One immutable journal entry: `amount` moves from the debit account to the credit account. */
export interface Transfer {
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  /** Minor units, always > 0. */
  readonly amount: bigint;
  readonly currency: string;
  /** A wallet side's balance right after the transfer; null on a system account's side. */
  readonly debitBalanceAfter: bigint | null;
  readonly creditBalanceAfter: bigint | null;
  readonly holdId: string | null;
  readonly correctsTransferId: string | null;
  readonly description: string | null;
  readonly reference: string | null;
  readonly createdAt: Date;
}
