import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@platform/kernel';
import { type Checkout, type CheckoutRequest, parseSignedWebhook, type PaymentOutcome, type PaymentProvider, webhookBody } from './payments-provider.ts';
import { SIGNATURE_HEADER, signWebhook } from './payments-signature.ts';

export interface SimulatorOptions {
  /** The shared webhook secret (PAYMENT_WEBHOOK_SECRET). */
  readonly secret: string;
  /** How long after checkout the simulated customer "pays". */
  readonly delayMs: number;
  /** 0–100: how often a simulated payment fails instead. */
  readonly failurePercent: number;
  /** Billing's base URL (known once the server listens): webhooks go to `<base>/webhooks/payments`. */
  readonly baseUrl: () => string | undefined;
  readonly logger: Logger;
  readonly random?: () => number;
}

const DELIVERY_ATTEMPTS = 5;

/**
 * A payment provider whose checkout completes by itself: `delayMs` after `createCheckout` it POSTs a
 * correctly signed webhook to billing, exactly as a real provider would (retrying on failure), so a
 * real provider replaces it without touching the rest of the flow.
 */
export function simulatedPaymentProvider(options: SimulatorOptions): PaymentProvider {
  const timers = new Map<string, NodeJS.Timeout>();
  const deliveries = new Set<Promise<void>>();
  const stopping = new AbortController();
  let stopped = false;
  // A backoff wait that ends at once when the provider stops.
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal, ref: false }).catch(() => undefined);
  const random = options.random ?? Math.random;

  async function deliver(request: CheckoutRequest, outcome: PaymentOutcome): Promise<void> {
    const body = webhookBody(
      `evt_${randomUUID()}`,
      outcome,
      { id: request.topUpId, amountMinor: request.amountMinor, currency: request.currency, reference: referenceOf(request) },
      outcome === 'FAILED' ? 'The simulated card was declined.' : undefined,
    );
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS && !stopped; attempt += 1) {
      const base = options.baseUrl();
      try {
        if (!base) throw new Error('billing is not listening yet');
        const response = await fetch(new URL('/webhooks/payments', base), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(options.secret, body, new Date()) },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(10_000), stopping.signal]),
        });
        if (response.status < 500) {
          if (!response.ok) options.logger.warn('simulated payment webhook refused', { topUpId: request.topUpId, status: response.status });
          return;
        }
        throw new Error(`status ${response.status}`);
      } catch (error) {
        options.logger.warn('simulated payment webhook delivery failed; retrying', { topUpId: request.topUpId, attempt, error });
        if (!stopped) await pause(250 * 2 ** attempt);
      }
    }
  }

  return {
    name: 'simulated',
    async createCheckout(request): Promise<Checkout> {
      const base = options.baseUrl() ?? 'http://127.0.0.1';
      const checkout = {
        providerReference: referenceOf(request),
        checkoutUrl: new URL(`/payments/simulated-checkout?topUp=${request.topUpId}`, base).toString(),
      };
      if (stopped || timers.has(request.topUpId)) return checkout; // idempotent: one completion per top-up
      const outcome: PaymentOutcome = random() * 100 < options.failurePercent ? 'FAILED' : 'SUCCEEDED';
      const timer = setTimeout(() => {
        const delivery = deliver(request, outcome).finally(() => deliveries.delete(delivery));
        deliveries.add(delivery);
      }, options.delayMs);
      timer.unref();
      timers.set(request.topUpId, timer);
      return checkout;
    },
    parseWebhook: (headers, rawBody, now) => parseSignedWebhook(options.secret, headers, rawBody, now, SIGNATURE_HEADER),
    async stop() {
      stopped = true;
      stopping.abort();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...deliveries]);
    },
  };
}

const referenceOf = (request: CheckoutRequest) => `sim_${request.topUpId}`;
