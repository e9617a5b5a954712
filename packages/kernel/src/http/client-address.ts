import type http from 'node:http';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../config.ts';

/**
 * The client's address: the last hop of x-forwarded-for when the socket's peer is a trusted proxy
 * (TRUSTED_PROXY_ADDRESSES: the gateway in front of identity, a load balancer in front of the
 * gateway), else the peer itself, so a client reaching a service directly cannot pick the address
 * it is throttled by.
 */
export function clientAddressOf(req: http.IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded !== 'string' || !isTrustedProxy(peer, trustedProxies)) return peer;
  // With a chain (a load balancer before the gateway), the last hop is the one the trusted proxy saw.
  const last = forwarded.split(',').at(-1)?.trim();
  return last && last.length <= 64 ? last : peer;
}

// One BlockList per parsed list: parsing happens once at start, lookups on every request.
const blockLists = new WeakMap<readonly string[], BlockList>();

/** Whether `peer` is one of the listed addresses or inside one of the listed CIDR ranges. */
export function isTrustedProxy(peer: string, trustedProxies: readonly string[]): boolean {
  if (trustedProxies.length === 0) return false;
  let list = blockLists.get(trustedProxies);
  if (!list) {
    list = toBlockList(trustedProxies);
    blockLists.set(trustedProxies, list);
  }
  const family = isIP(peer);
  if (family === 0) return false;
  if (list.check(peer, family === 4 ? 'ipv4' : 'ipv6')) return true;
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d; a range written as IPv4 must still match.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(peer)?.[1];
  return mapped !== undefined && list.check(mapped, 'ipv4');
}

function toBlockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (!parsed) continue; // parseTrustedProxies has already refused it
    if (parsed.prefix === undefined) list.addAddress(parsed.address, parsed.type);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.type);
  }
  return list;
}

function parseEntry(entry: string): { address: string; type: 'ipv4' | 'ipv6'; prefix?: number } | undefined {
  const [address = '', prefixText, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, type };
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  return prefix >= 0 && prefix <= (family === 4 ? 32 : 128) ? { address, type, prefix } : undefined;
}

/**
 * `TRUSTED_PROXY_ADDRESSES`: comma-separated peer addresses or CIDR ranges (`10.0.0.0/8`, `fd00::/8`:
 * a Kubernetes pod network) whose x-forwarded-for is believed. An entry that is neither fails the
 * start, naming the variable, rather than silently trusting nothing.
 */
export function parseTrustedProxies(raw: string | undefined, fallback: string): readonly string[] {
  const entries = (raw ?? fallback)
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const bad = entries.find((entry) => !parseEntry(entry));
  if (bad !== undefined) {
    throw new ConfigError('TRUSTED_PROXY_ADDRESSES', `has "${bad}", which is not an IP address or a CIDR range (like 10.0.0.0/8)`);
  }
  return Object.freeze(entries);
}
