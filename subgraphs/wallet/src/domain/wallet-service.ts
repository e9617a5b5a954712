import { badInput, fail, toMoney, type OrganizationKind } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { ensureWalletId, findWalletId, setLowBalanceThreshold } from '../db/account-repository.ts';
import { findTransfer } from '../db/transfer-repository.ts';
import type { WalletDatabase } from '../db/types.ts';
import { holdTtlSeconds, type Hold } from './hold.ts';
import { Ledger } from './ledger.ts';
import { postingOf, type Posting } from './posting.ts';
import { SYSTEM_ACCOUNTS } from './system-accounts.ts';
import type { Wallet } from './wallet.ts';

export interface WalletServiceOptions {
  /** How long a hold lives when the caller does not say. */
  readonly holdTtlSeconds: number;
  /** The most one top-up may credit, in minor units; DEFAULT_MAX_CREDIT_RANDS when absent. */
  readonly maxCreditMinor?: bigint;
  readonly clock?: () => Date;
  /** Group a wallet's concurrent transfers into one transaction (on unless false). */
  readonly groupCommit?: boolean;
}

/** R 1,000,000 a top-up unless WALLET_MAX_CREDIT says otherwise: money arrives in payments, not in bulk. */
export const DEFAULT_MAX_CREDIT_RANDS = 1_000_000;

export interface TopUp {
  readonly organizationId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly paymentReference: string;
  readonly idempotencyKey: string;
}

/** A refunded top-up leaving the wallet again (the payment flow; idempotent under its key). */
export interface TopUpRefund {
  readonly organizationId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly reference: string;
  readonly idempotencyKey: string;
}

export interface Adjustment {
  readonly organizationId: string;
  /** Signed: negative takes money out of the wallet. */
  readonly amount: bigint;
  readonly currency: string;
  readonly reason: string;
  readonly correctsTransferId: string | null;
  readonly idempotencyKey: string;
}

export interface BillPayment {
  readonly organizationId: string;
  readonly billId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly description: string | null;
}

export interface CommissionPayment {
  readonly resellerId: string;
  /** What the directory says the payee is; null when there is no such organisation. */
  readonly resellerKind: OrganizationKind | null;
  readonly amount: bigint;
  readonly currency: string;
  readonly reference: string;
  readonly description: string | null;
  readonly idempotencyKey: string;
}

export interface HoldRequest {
  readonly organizationId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly idempotencyKey: string;
  readonly description: string | null;
  readonly reference: string | null;
  readonly expiresInSeconds: number | null;
}

const MAX_CACHED_WALLET_IDS = 100_000;

/**
 * The wallet operations of the API, by organisation: which accounts a top-up, a bill, a commission
 * or a hold moves money between, and under which idempotency scope. The ledger does the moving.
 */
export class WalletService {
  readonly ledger: Ledger;
  private readonly clock: () => Date;
  /** organisation id → wallet id; wallets are never deleted nor moved, so a hit is never stale. */
  private readonly walletIds = new Map<string, string>();

  constructor(
    private readonly db: Kysely<WalletDatabase>,
    private readonly options: WalletServiceOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.ledger = new Ledger(db, this.clock, { groupCommit: options.groupCommit ?? true });
  }

  /** The organisation's wallet id, creating the wallet if needed (idempotent under concurrency). */
  async ensureWallet(organizationId: string, currency: string): Promise<string> {
    const cached = this.walletIds.get(organizationId);
    if (cached) return cached;
    return this.remember(organizationId, await ensureWalletId(this.db, organizationId, currency));
  }

  /** The organisation's wallet id, or NOT_FOUND naming `field`. */
  async requireWallet(organizationId: string, field = 'organizationId'): Promise<string> {
    const cached = this.walletIds.get(organizationId);
    if (cached) return cached;
    const id = await findWalletId(this.db, organizationId);
    if (!id) throw fail('NOT_FOUND', `${field}: the organisation has no wallet.`, { field });
    return this.remember(organizationId, id);
  }

  async topUp(t: TopUp): Promise<Posting> {
    const max = this.options.maxCreditMinor ?? BigInt(DEFAULT_MAX_CREDIT_RANDS) * 100n;
    if (t.amount > max) throw badInput('amount', `must be at most ${toMoney(max, t.currency).amount} per top-up (WALLET_MAX_CREDIT).`);
    const walletId = await this.ensureWallet(t.organizationId, t.currency);
    const transfer = await this.ledger.transfer({
      kind: 'TOP_UP',
      debitAccountId: SYSTEM_ACCOUNTS.EXTERNAL,
      creditAccountId: walletId,
      amount: t.amount,
      currency: t.currency,
      description: 'Top-up',
      reference: t.paymentReference,
      idempotency: {
        scope: `top_up:${walletId}`,
        key: t.idempotencyKey,
        request: { amount: t.amount, currency: t.currency, paymentReference: t.paymentReference },
      },
    });
    return postingOf(transfer, walletId);
  }

  async adjust(a: Adjustment): Promise<Posting> {
    const walletId = await this.ensureWallet(a.organizationId, a.currency);
    if (a.correctsTransferId !== null) {
      const corrected = await findTransfer(this.db, a.correctsTransferId);
      if (!corrected || (corrected.debitAccountId !== walletId && corrected.creditAccountId !== walletId)) {
        throw badInput('correctsTransactionId', 'is not a transaction of this wallet.');
      }
    }
    const credit = a.amount > 0n;
    const transfer = await this.ledger.transfer({
      kind: 'ADJUSTMENT',
      debitAccountId: credit ? SYSTEM_ACCOUNTS.ADJUSTMENT : walletId,
      creditAccountId: credit ? walletId : SYSTEM_ACCOUNTS.ADJUSTMENT,
      amount: credit ? a.amount : -a.amount,
      currency: a.currency,
      description: a.reason,
      correctsTransferId: a.correctsTransferId,
      idempotency: {
        scope: `adjust:${walletId}`,
        key: a.idempotencyKey,
        request: { amount: a.amount, currency: a.currency, reason: a.reason, correctsTransferId: a.correctsTransferId },
      },
    });
    return postingOf(transfer, walletId);
  }

  /** Reverses a top-up the payment provider refunded: refused (INSUFFICIENT_FUNDS) when the money has been spent. */
  async refundTopUp(r: TopUpRefund): Promise<Posting> {
    const walletId = await this.requireWallet(r.organizationId);
    const transfer = await this.ledger.transfer({
      kind: 'ADJUSTMENT',
      debitAccountId: walletId,
      creditAccountId: SYSTEM_ACCOUNTS.EXTERNAL,
      amount: r.amount,
      currency: r.currency,
      description: 'Top-up refund',
      reference: r.reference,
      idempotency: { scope: `top_up_refund:${walletId}`, key: r.idempotencyKey, request: { amount: r.amount, currency: r.currency, reference: r.reference } },
    });
    return postingOf(transfer, walletId);
  }

  /** Settles a bill; the bill id is the idempotency key, so a bill is paid once. */
  async payBill(b: BillPayment): Promise<Posting> {
    const walletId = await this.requireWallet(b.organizationId);
    const transfer = await this.ledger.transfer({
      kind: 'BILL_PAYMENT',
      debitAccountId: walletId,
      creditAccountId: SYSTEM_ACCOUNTS.REVENUE,
      amount: b.amount,
      currency: b.currency,
      description: b.description ?? 'Bill payment',
      reference: b.billId,
      idempotency: { scope: `bill_payment:${walletId}`, key: b.billId, request: { amount: b.amount, currency: b.currency } },
    });
    return postingOf(transfer, walletId);
  }

  /** Commission is paid to resellers only. */
  async payCommission(c: CommissionPayment): Promise<Posting> {
    if (c.resellerKind === null) throw fail('NOT_FOUND', 'organizationId: no such organisation.', { field: 'organizationId' });
    if (c.resellerKind !== 'RESELLER') throw badInput('organizationId', 'must be a reseller: commission is paid to resellers only.');
    const walletId = await this.ensureWallet(c.resellerId, c.currency);
    const transfer = await this.ledger.transfer({
      kind: 'COMMISSION',
      debitAccountId: SYSTEM_ACCOUNTS.COMMISSION,
      creditAccountId: walletId,
      amount: c.amount,
      currency: c.currency,
      description: c.description ?? 'Commission',
      reference: c.reference,
      idempotency: {
        scope: `commission:${walletId}`,
        key: c.idempotencyKey,
        request: { amount: c.amount, currency: c.currency, reference: c.reference },
      },
    });
    return postingOf(transfer, walletId);
  }

  /** Reserves funds for provider revenue (a VM being built); captured or released later. */
  async placeHold(h: HoldRequest): Promise<Hold> {
    const ttl = holdTtlSeconds(h.expiresInSeconds, this.options.holdTtlSeconds);
    const walletId = await this.requireWallet(h.organizationId);
    return this.ledger.placeHold({
      walletId,
      creditAccountId: SYSTEM_ACCOUNTS.REVENUE,
      amount: h.amount,
      currency: h.currency,
      expiresAt: new Date(this.clock().getTime() + ttl * 1000),
      description: h.description,
      reference: h.reference,
      idempotency: {
        scope: `hold:${walletId}`,
        key: h.idempotencyKey,
        request: { amount: h.amount, currency: h.currency, reference: h.reference, expiresInSeconds: ttl },
      },
    });
  }

  captureHold(holdId: string, amount: bigint | null, idempotencyKey: string): Promise<Hold> {
    return this.ledger.captureHold({
      holdId,
      amount,
      idempotency: { scope: `capture:${holdId}`, key: idempotencyKey, request: { amount } },
    });
  }

  releaseHold(holdId: string, idempotencyKey: string): Promise<Hold> {
    return this.ledger.releaseHold({ holdId, idempotency: { scope: `release:${holdId}`, key: idempotencyKey, request: {} } });
  }

  async setLowBalanceThreshold(organizationId: string, currency: string, threshold: bigint | null): Promise<Wallet> {
    const walletId = await this.ensureWallet(organizationId, currency);
    return setLowBalanceThreshold(this.db, walletId, threshold);
  }

  private remember(organizationId: string, walletId: string): string {
    if (this.walletIds.size >= MAX_CACHED_WALLET_IDS) this.walletIds.delete(this.walletIds.keys().next().value as string);
    this.walletIds.set(organizationId, walletId);
    return walletId;
  }
}
