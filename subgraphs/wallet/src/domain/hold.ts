export type HoldStatus = 'PENDING' | 'CAPTURED' | 'RELEASED' | 'EXPIRED';

/** Funds reserved on a wallet (a two-phase transfer): captured in full or in part, released, or expired — once. */
export interface Hold {
  readonly id: string;
  readonly walletId: string;
  /** Where a capture posts the money. */
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly status: HoldStatus;
  readonly capturedAmount: bigint | null;
  readonly description: string | null;
  readonly reference: string | null;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
}
