import type http from 'node:http';
import type { RequestContext } from '@platform/kernel';
import type { IdentityServices } from './services.ts';
import type { IdentityLoaders } from './loaders.ts';

export type IdentityContext = RequestContext & {
  readonly services: IdentityServices;
  readonly loaders: IdentityLoaders;
  /** The client's address: x-forwarded-for when the peer is a trusted proxy (the gateway), else the peer. */
  readonly clientAddress: string;
};

/**
 * The gateway replaces x-forwarded-for with its own peer's address; identity believes that header only
 * from a peer listed in TRUSTED_PROXY_ADDRESSES (loopback by default, where the embedded gateway
 * runs), so a client reaching identity directly cannot pick the address it is throttled by.
 */
export function clientAddressOf(req: http.IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded !== 'string' || !trustedProxies.includes(peer)) return peer;
  // With a chain (a load balancer before the gateway), the last hop is the one the gateway saw.
  const last = forwarded.split(',').at(-1)?.trim();
  return last && last.length <= 64 ? last : peer;
}
