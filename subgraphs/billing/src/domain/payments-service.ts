import type { IncomingHttpHeaders } from 'node:http';
import { eventMoney } from '@platform/events';
import { writeOutbox } from '@platform/events';
import { badInput, fail, inTransaction, type Logger, newId, ServiceRefusal, toMoney } from '@platform/kernel';
import type { Transaction } from 'kysely';
import {
  findTopUpByKey,
  findTopUps,
  findUnposted,
  insertTopUp,
  lockExpiredPending,
  lockTopUp,
  markCredited,
  markRefundPosted,
  markWalletProblem,
  moveTopUp,
  recordWebhookEvent,
  setCheckout,
  topUpPages,
} from '../db/top-up-repository.ts';
import type { BillingDatabase, BillingDb } from '../db/types.ts';
import { canMove, type CreateTopUp, type TopUp, type TopUpStatus, type WalletPayments } from './payments.ts';
import type { PaymentEvent, PaymentProvider } from './payments-provider.ts';

export interface TopUpOptions {
  readonly provider: PaymentProvider;
  readonly wallet: WalletPayments;
  readonly logger: Logger;
  /** How long a checkout may stay unpaid before the sweep expires it. */
  readonly ttlMs: number;
  readonly minMinor: bigint;
  readonly maxMinor: bigint;
  readonly clock?: () => Date;
  /** Called once a credit is posted: an overdue organisation's bills are settled (and its suspension lifted) without waiting for the next pass. */
  readonly onCredited?: (organizationId: string) => Promise<void>;
}

/** What a webhook delivery did: a duplicate and an ignored event are still answered 200 (the provider must stop retrying). */
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * Money in: a top-up is created PENDING with a checkout at the provider; the provider's signed
 * webhook moves it. The wallet is credited after the status change commits, with the top-up id as
 * the wallet's idempotency key, so every path that posts (the webhook, its redeliveries, the sweep)
 * credits it exactly once. A refund posts a reversal the same way, keyed by the top-up id too.
 */
export class TopUpService {
  private readonly clock: () => Date;

  constructor(
    private readonly db: BillingDb,
    private readonly options: TopUpOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async create(command: CreateTopUp): Promise<TopUp> {
    const { minMinor, maxMinor } = this.options;
    if (command.amountMinor < minMinor || command.amountMinor > maxMinor) {
      throw badInput('amount', `must be between ${toMoney(minMinor).amount} and ${toMoney(maxMinor).amount} per top-up.`);
    }
    const now = this.clock();
    const topUp = await inTransaction(this.db, async (trx) => {
      const created = await insertTopUp(trx, {
        id: newId(),
        ...command,
        provider: this.options.provider.name,
        expiresAt: new Date(now.getTime() + this.options.ttlMs),
      });
      if (created) {
        await this.emit(trx, created, null, null);
        return created;
      }
      // The same idempotency key: the first top-up, if this is the same request.
      const existing = await findTopUpByKey(trx, command.organizationId, command.idempotencyKey ?? '');
      if (!existing) throw new Error('top-up idempotency conflict without a row');
      if (existing.amountMinor !== command.amountMinor || existing.currency !== command.currency) {
        throw fail('CONFLICT', 'idempotencyKey: was used for a different top-up (another amount or currency).', { field: 'idempotencyKey' });
      }
      return existing;
    });
    if (topUp.checkoutUrl !== null || topUp.status !== 'PENDING') return topUp;
    // Outside the transaction (an HTTP call); the provider is idempotent per top-up id, and a retry of
    // the same request (same key) reaches here again if this call failed.
    const checkout = await this.options.provider.createCheckout({
      topUpId: topUp.id,
      organizationId: topUp.organizationId,
      amountMinor: topUp.amountMinor,
      currency: topUp.currency,
      expiresAt: topUp.expiresAt,
    });
    return setCheckout(this.db, topUp.id, checkout.providerReference, checkout.checkoutUrl);
  }

  byIds(ids: readonly string[]): Promise<TopUp[]> {
    return findTopUps(this.db, ids);
  }

  pagesFor(organizationIds: readonly string[], fetch: number, after: string | null): Promise<Map<string, TopUp[]>> {
    return topUpPages(this.db, organizationIds, fetch, after);
  }

  /** A webhook delivery: verified by the provider (throws WebhookRejected), applied once per provider event id. */
  async receiveWebhook(headers: IncomingHttpHeaders, rawBody: Buffer): Promise<WebhookOutcome> {
    const event = this.options.provider.parseWebhook(headers, rawBody, this.clock());
    const outcome = await inTransaction(this.db, (trx) => this.apply(trx, event));
    // After commit: post what the new status owes the wallet (also for a redelivery, in case the first post failed).
    await this.post(event.topUpId).catch((error: unknown) =>
      this.options.logger.error('top-up wallet posting failed; the sweep retries it', { topUpId: event.topUpId, error }),
    );
    return outcome;
  }

  private async apply(trx: Transaction<BillingDatabase>, event: PaymentEvent): Promise<WebhookOutcome> {
    if (!(await recordWebhookEvent(trx, this.options.provider.name, event.eventId, event.outcome, event.topUpId))) return 'duplicate';
    const topUp = await lockTopUp(trx, event.topUpId);
    if (!topUp) {
      this.options.logger.warn('payment webhook for an unknown top-up ignored', { eventId: event.eventId, topUpId: event.topUpId });
      return 'ignored';
    }
    if (event.amountMinor !== topUp.amountMinor || event.currency !== topUp.currency) {
      this.options.logger.error('payment webhook amount differs from the top-up; ignored', {
        eventId: event.eventId,
        topUpId: topUp.id,
        expected: toMoney(topUp.amountMinor, topUp.currency),
        received: toMoney(event.amountMinor, event.currency),
      });
      return 'ignored';
    }
    if (!canMove(topUp.status, event.outcome)) {
      this.options.logger.info('payment webhook changes nothing', { eventId: event.eventId, topUpId: topUp.id, status: topUp.status, outcome: event.outcome });
      return 'ignored';
    }
    const moved = await moveTopUp(trx, topUp.id, event.outcome, this.clock(), event.reason, event.providerReference);
    await this.emit(trx, moved, topUp.status, event.reason);
    return 'applied';
  }

  /**
   * Posts what a top-up owes the wallet: the credit once it SUCCEEDED (and before a refund), the
   * reversal once REFUNDED. Idempotent at the wallet (keyed by top-up id); a wallet refusal is
   * recorded for a person and not retried, any other failure is retried by the sweep.
   */
  async post(topUpId: string): Promise<void> {
    const [topUp] = await findTopUps(this.db, [topUpId]);
    if (!topUp || topUp.walletProblem !== null) return;
    const owesCredit = (topUp.status === 'SUCCEEDED' || topUp.status === 'REFUNDED') && topUp.creditedAt === null;
    const owesRefund = topUp.status === 'REFUNDED' && topUp.refundPostedAt === null;
    try {
      if (owesCredit) {
        await this.options.wallet.creditTopUp({
          organizationId: topUp.organizationId,
          amountMinor: topUp.amountMinor,
          currency: topUp.currency,
          topUpId: topUp.id,
          paymentReference: topUp.providerReference ?? topUp.id,
        });
        await markCredited(this.db, topUp.id, this.clock());
        // Best effort: the periodic collection pass settles whatever this misses.
        await this.options
          .onCredited?.(topUp.organizationId)
          .catch((error: unknown) => this.options.logger.warn('settling after a top-up failed; the next pass retries', { topUpId: topUp.id, error }));
      }
      if (owesRefund) {
        await this.options.wallet.refundTopUp({
          organizationId: topUp.organizationId,
          amountMinor: topUp.amountMinor,
          currency: topUp.currency,
          topUpId: topUp.id,
        });
        await markRefundPosted(this.db, topUp.id, this.clock());
      }
    } catch (error) {
      if (!(error instanceof ServiceRefusal)) throw error;
      this.options.logger.error('the wallet refused a top-up posting; it needs a person', { topUpId: topUp.id, code: error.code, message: error.message });
      await markWalletProblem(this.db, topUp.id, `${error.code}: ${error.message}`);
    }
  }

  /** The sweep: expires stale pending top-ups and retries postings that failed. Returns how many it touched. */
  async sweep(limit = 100): Promise<number> {
    const now = this.clock();
    const expired = await inTransaction(this.db, async (trx) => {
      const stale = await lockExpiredPending(trx, now, limit);
      for (const topUp of stale) {
        const moved = await moveTopUp(trx, topUp.id, 'EXPIRED', now, 'The checkout was not paid in time.', null);
        await this.emit(trx, moved, topUp.status, moved.failureReason);
      }
      return stale.length;
    });
    const unposted = await findUnposted(this.db, limit);
    for (const id of unposted) await this.post(id);
    return expired + unposted.length;
  }

  private async emit(trx: Transaction<BillingDatabase>, topUp: TopUp, previous: TopUpStatus | null, reason: string | null): Promise<void> {
    await writeOutbox(trx, 'billing.top_up.changed', {
      topUpId: topUp.id,
      organizationId: topUp.organizationId,
      status: topUp.status,
      previousStatus: previous,
      amount: eventMoney(topUp.amountMinor, topUp.currency),
      reason,
      at: this.clock().toISOString(),
    });
  }
}
