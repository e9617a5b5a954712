import type { IncomingMessage } from 'node:http';
import { HttpError, type HttpRoute, type Logger, sendJson } from '@platform/kernel';
import type { TopUpService } from '../domain/payments-service.ts';
import { WebhookRejected } from '../domain/payments-signature.ts';

/** Webhooks are small; anything larger is refused before it is read in full. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

async function rawBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > WEBHOOK_BODY_LIMIT_BYTES) {
    req.resume(); // drain it, so the 413 reaches the client
    throw new HttpError(413, `Request body larger than ${WEBHOOK_BODY_LIMIT_BYTES} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > WEBHOOK_BODY_LIMIT_BYTES) throw new HttpError(413, `Request body larger than ${WEBHOOK_BODY_LIMIT_BYTES} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * `POST /webhooks/payments`: the provider's signed delivery. The signature covers the exact bytes
 * received (so the route reads the raw body itself). 2xx for applied, duplicate and ignored events
 * (the provider stops retrying), 4xx for what cannot be trusted, 5xx (the provider retries) otherwise.
 */
export function paymentWebhookRoute(topUps: TopUpService, logger: Logger): HttpRoute {
  return {
    method: 'POST',
    path: '/webhooks/payments',
    streamBody: true,
    async handler(req, res) {
      const body = await rawBody(req);
      try {
        const outcome = await topUps.receiveWebhook(req.headers, body);
        sendJson(res, 200, { received: true, outcome });
      } catch (error) {
        if (!(error instanceof WebhookRejected)) throw error;
        logger.warn('payment webhook refused', { reason: error.message, status: error.status });
        sendJson(res, error.status, { errors: [{ message: error.message }] });
      }
    },
  };
}

/** `GET /payments/simulated-checkout?topUp=…`: the simulator's checkout page (it completes by itself). */
export function simulatedCheckoutRoute(): HttpRoute {
  return {
    method: 'GET',
    path: '/payments/simulated-checkout',
    handler(_req, res) {
      const html =
        '<!doctype html><meta charset="utf-8"><title>Simulated checkout</title><p>Simulated payment provider: this checkout completes by itself in a few seconds. You can close this page.</p>';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
      res.end(html);
    },
  };
}
