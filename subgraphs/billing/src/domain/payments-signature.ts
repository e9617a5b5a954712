import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a signed webhook carries: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = 'payment-signature';
/** A delivery signed longer ago (or further ahead) than this is refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Why a webhook delivery was refused; `status` is the HTTP answer (the provider retries on 5xx only). */
export class WebhookRejected extends Error {
  constructor(
    readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

const hmac = (secret: string, timestamp: number, body: Buffer | string) => createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** The header value for `body` signed at `at` (the provider's side; tests forge deliveries with it). */
export function signWebhook(secret: string, body: Buffer | string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body).toString('hex')}`;
}

/**
 * Checks the signature over the exact bytes received, in constant time, and the timestamp against
 * `now` ± the tolerance. Several `v1` values may be present (a provider rotating its secret).
 */
export function verifyWebhookSignature(secret: string, header: string | string[] | undefined, body: Buffer, now: Date): void {
  if (typeof header !== 'string' || header.length > 1000) throw new WebhookRejected(401, `Missing or malformed ${SIGNATURE_HEADER} header.`);
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([k]) => k === 't').map(([, v]) => v ?? '');
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => Buffer.from(v!, 'hex'));
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0]!) || signatures.length === 0) {
    throw new WebhookRejected(401, `Missing or malformed ${SIGNATURE_HEADER} header.`);
  }
  const timestamp = Number(timestamps[0]);
  const expected = hmac(secret, timestamp, body);
  // Every candidate is compared (no early exit), each in constant time.
  const matches = signatures.map((candidate) => timingSafeEqual(candidate, expected)).includes(true);
  if (!matches) throw new WebhookRejected(401, 'The webhook signature does not match.');
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new WebhookRejected(401, `The webhook timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds away from now: refused as a possible replay.`);
  }
}
