import type { IncomingHttpHeaders } from 'node:http';
import { isUuid, parseAmount, toMoney } from '@platform/kernel';
import { verifyWebhookSignature, WebhookRejected } from './payments-signature.ts';

export type TopUpStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED' | 'REFUNDED';

/** What the provider tells us happened to a checkout. */
export type PaymentOutcome = 'SUCCEEDED' | 'FAILED' | 'EXPIRED' | 'REFUNDED';

export interface CheckoutRequest {
  readonly topUpId: string;
  readonly organizationId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly expiresAt: Date;
}

export interface Checkout {
  /** The provider's id for the payment (kept for reconciliation; it is the wallet's payment reference). */
  readonly providerReference: string;
  /** Where the customer is sent to pay. */
  readonly checkoutUrl: string;
}

/** A verified webhook: the provider's own event id makes redeliveries recognisable. */
export interface PaymentEvent {
  readonly eventId: string;
  readonly outcome: PaymentOutcome;
  readonly topUpId: string;
  readonly providerReference: string | null;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly reason: string | null;
}

/**
 * A payment provider behind one interface: the simulator in `npm start`, a real one (card, EFT)
 * later. `createCheckout` must be idempotent per top-up id; `parseWebhook` verifies the delivery
 * (signature, freshness) and throws WebhookRejected for anything it cannot trust.
 */
export interface PaymentProvider {
  readonly name: string;
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  parseWebhook(headers: IncomingHttpHeaders, rawBody: Buffer, now: Date): PaymentEvent;
  /** Stops background work (the simulator's pending completions). */
  stop?(): Promise<void>;
}

/** The webhook body of the simulated provider (and the shape a real adapter maps its own onto). */
export interface WebhookBody {
  readonly id: string;
  readonly type: `checkout.${'succeeded' | 'failed' | 'expired'}` | 'charge.refunded';
  readonly data: { readonly topUpId: string; readonly reference?: string; readonly amount: string; readonly currency: string; readonly reason?: string };
}

const OUTCOMES: Readonly<Record<string, PaymentOutcome>> = {
  'checkout.succeeded': 'SUCCEEDED',
  'checkout.failed': 'FAILED',
  'checkout.expired': 'EXPIRED',
  'charge.refunded': 'REFUNDED',
};

export const webhookTypeOf = (outcome: PaymentOutcome): WebhookBody['type'] =>
  (Object.entries(OUTCOMES).find(([, o]) => o === outcome)?.[0] ?? 'checkout.failed') as WebhookBody['type'];

const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/** Verifies the signature, then reads the body; a body that is not one of our events is 400 naming what is wrong. */
export function parseSignedWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: Buffer, now: Date, signatureHeader: string): PaymentEvent {
  verifyWebhookSignature(secret, headers[signatureHeader], rawBody, now);
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookRejected(400, 'The webhook body is not valid JSON.');
  }
  const event = body as Partial<WebhookBody> | null;
  if (!event || typeof event !== 'object') throw new WebhookRejected(400, 'The webhook body must be an object.');
  if (!text(event.id, 200)) throw new WebhookRejected(400, 'id: must be the provider event id (1 to 200 characters).');
  const outcome = typeof event.type === 'string' ? OUTCOMES[event.type] : undefined;
  if (!outcome) throw new WebhookRejected(400, `type: must be one of ${Object.keys(OUTCOMES).join(', ')}.`);
  const data = event.data;
  if (!data || typeof data !== 'object') throw new WebhookRejected(400, 'data: must be an object.');
  if (!text(data.topUpId, 36) || !isUuid(data.topUpId)) throw new WebhookRejected(400, 'data.topUpId: must be a UUID.');
  if (!text(data.currency, 3)) throw new WebhookRejected(400, 'data.currency: must be a currency code.');
  let amountMinor: bigint;
  try {
    amountMinor = parseAmount(typeof data.amount === 'string' ? data.amount : '', 'data.amount');
  } catch {
    throw new WebhookRejected(400, 'data.amount: must be a positive decimal amount like "150.00".');
  }
  return {
    eventId: event.id,
    outcome,
    topUpId: data.topUpId.toLowerCase(),
    providerReference: text(data.reference, 200) ? data.reference : null,
    amountMinor,
    currency: data.currency,
    reason: text(data.reason, 500) ? data.reason : null,
  };
}

/** The body of a webhook about `topUp` (the simulator sends these; tests forge them). */
export function webhookBody(
  eventId: string,
  outcome: PaymentOutcome,
  topUp: { id: string; amountMinor: bigint; currency: string; reference?: string },
  reason?: string,
): string {
  const body: WebhookBody = {
    id: eventId,
    type: webhookTypeOf(outcome),
    data: { topUpId: topUp.id, reference: topUp.reference, amount: toMoney(topUp.amountMinor, topUp.currency).amount, currency: topUp.currency, reason },
  };
  return JSON.stringify(body);
}
