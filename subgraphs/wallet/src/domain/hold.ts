import { badInput } from '@platform/kernel';

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

/** The longest a hold may live: long enough for any VM build, short enough that stuck funds come back. */
export const MAX_HOLD_TTL_SECONDS = 7 * 24 * 3600;

/** How long a new hold lives: what its placer asked for (1 s to MAX_HOLD_TTL_SECONDS), else `fallback`. */
export function holdTtlSeconds(requested: number | null, fallback: number): number {
  if (requested === null) return fallback;
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_HOLD_TTL_SECONDS) {
    throw badInput('expiresInSeconds', `must be between 1 and ${MAX_HOLD_TTL_SECONDS}.`);
  }
  return requested;
}
