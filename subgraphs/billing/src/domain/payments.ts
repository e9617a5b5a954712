import type { TopUpStatus } from './payments-provider.ts';

export type { TopUpStatus } from './payments-provider.ts';

export interface TopUp {
  readonly id: string;
  readonly organizationId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly status: TopUpStatus;
  readonly idempotencyKey: string | null;
  readonly provider: string;
  readonly providerReference: string | null;
  readonly checkoutUrl: string | null;
  readonly failureReason: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly completedAt: Date | null;
  readonly creditedAt: Date | null;
  readonly refundedAt: Date | null;
  readonly refundPostedAt: Date | null;
  /** A wallet refusal that needs a person (the credit or refund is not retried while set). */
  readonly walletProblem: string | null;
}

export interface CreateTopUp {
  readonly organizationId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly idempotencyKey: string | null;
  readonly requestedBy: string;
}

/**
 * Which provider outcome moves a top-up where. A success after we stopped waiting (EXPIRED) or
 * after a failure report is still money taken from the customer, so it is credited; anything not
 * in the table (a failure after success, a second refund) changes nothing.
 */
export const TRANSITIONS: Readonly<Record<TopUpStatus, Partial<Record<TopUpStatus, true>>>> = {
  PENDING: { SUCCEEDED: true, FAILED: true, EXPIRED: true },
  EXPIRED: { SUCCEEDED: true },
  FAILED: { SUCCEEDED: true },
  SUCCEEDED: { REFUNDED: true },
  REFUNDED: {},
};

export const canMove = (from: TopUpStatus, to: TopUpStatus): boolean => TRANSITIONS[from][to] === true;

/** The wallet operations the payment flow and commission use (service scopes wallet:credit, wallet:commission). */
export interface WalletPayments {
  creditTopUp(c: { organizationId: string; amountMinor: bigint; currency: string; topUpId: string; paymentReference: string }): Promise<void>;
  refundTopUp(c: { organizationId: string; amountMinor: bigint; currency: string; topUpId: string }): Promise<void>;
  payCommission(c: { resellerId: string; amountMinor: bigint; currency: string; statementId: string; description: string }): Promise<void>;
}
