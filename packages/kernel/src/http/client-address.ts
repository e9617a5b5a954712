import type http from 'node:http';

/**
 * The client's address: the last hop of x-forwarded-for when the socket's peer is a trusted proxy
 * (TRUSTED_PROXY_ADDRESSES: the gateway in front of identity, a load balancer in front of the
 * gateway), else the peer itself, so a client reaching a service directly cannot pick the address
 * it is throttled by.
 */
export function clientAddressOf(req: http.IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded !== 'string' || !trustedProxies.includes(peer)) return peer;
  // With a chain (a load balancer before the gateway), the last hop is the one the trusted proxy saw.
  const last = forwarded.split(',').at(-1)?.trim();
  return last && last.length <= 64 ? last : peer;
}

/** `TRUSTED_PROXY_ADDRESSES`: comma-separated peer addresses whose x-forwarded-for is believed. */
export function parseTrustedProxies(raw: string | undefined, fallback: string): readonly string[] {
  return Object.freeze(
    (raw ?? fallback)
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
  );
}
