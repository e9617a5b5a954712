import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@platform/kernel';
import { until } from '@platform/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSignedWebhook, type PaymentProvider } from '../src/domain/payments-provider.ts';
import { SIGNATURE_HEADER } from '../src/domain/payments-signature.ts';
import { simulatedPaymentProvider } from '../src/domain/payments-simulator.ts';

const SECRET = 'simulator-secret-simulator-secret-1234';
const logger = createLogger({ service: 'simulator-test' }, 'error');

/** A stand-in for billing's webhook route: verifies each delivery, answers with `statuses` in turn (then 200). */
async function receiver(statuses: number[] = []) {
  const received: { outcome: string; topUpId: string; amount: bigint }[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts += 1;
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        const event = parseSignedWebhook(SECRET, req.headers, Buffer.concat(chunks), new Date(), SIGNATURE_HEADER);
        received.push({ outcome: event.outcome, topUpId: event.topUpId, amount: event.amountMinor });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, attempts: () => attempts, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function provider(url: string, options: { delayMs?: number; failurePercent?: number } = {}): PaymentProvider {
  const p = simulatedPaymentProvider({
    secret: SECRET,
    delayMs: options.delayMs ?? 20,
    failurePercent: options.failurePercent ?? 0,
    baseUrl: () => url,
    logger,
    random: () => 0.5,
  });
  cleanup.push(() => p.stop!());
  return p;
}

const request = (topUpId: string) => ({
  topUpId,
  organizationId: crypto.randomUUID(),
  amountMinor: 123_45n,
  currency: 'ZAR',
  expiresAt: new Date(Date.now() + 60_000),
});

describe('the simulated payment provider', () => {
  it('completes a checkout by itself with one correctly signed webhook, even when asked twice', async () => {
    const r = await receiver();
    cleanup.push(r.close);
    const sim = provider(r.url);
    const id = crypto.randomUUID();
    const checkout = await sim.createCheckout(request(id));
    expect(checkout).toEqual({ providerReference: `sim_${id}`, checkoutUrl: `${r.url}/payments/simulated-checkout?topUp=${id}` });
    expect(await sim.createCheckout(request(id))).toEqual(checkout);
    await until(async () => (r.received.length > 0 ? true : undefined), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.received).toEqual([{ outcome: 'SUCCEEDED', topUpId: id, amount: 123_45n }]);
  });

  it('fails the configured share of payments', async () => {
    const r = await receiver();
    cleanup.push(r.close);
    const id = crypto.randomUUID();
    await provider(r.url, { failurePercent: 100 }).createCheckout(request(id));
    await until(async () => (r.received.length > 0 ? true : undefined), 5_000);
    expect(r.received).toEqual([{ outcome: 'FAILED', topUpId: id, amount: 123_45n }]);
  });

  it('retries a delivery answered 5xx, and stops retrying once stopped', async () => {
    const r = await receiver([503, 500]);
    cleanup.push(r.close);
    const id = crypto.randomUUID();
    await provider(r.url).createCheckout(request(id));
    await until(async () => (r.received.length > 0 ? true : undefined), 10_000);
    expect(r.attempts()).toBe(3);

    const down = await receiver([503, 503, 503, 503, 503]);
    cleanup.push(down.close);
    const sim = simulatedPaymentProvider({ secret: SECRET, delayMs: 0, failurePercent: 0, baseUrl: () => down.url, logger });
    await sim.createCheckout(request(crypto.randomUUID()));
    // After the second attempt it waits 1 s before the third; stopping ends that wait at once.
    await until(async () => (down.attempts() >= 2 ? true : undefined), 5_000);
    const started = Date.now();
    await sim.stop!();
    expect(Date.now() - started).toBeLessThan(700);
    const attempts = down.attempts();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(down.attempts()).toBe(attempts);
  });
});
