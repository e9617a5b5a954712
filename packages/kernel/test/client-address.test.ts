import type http from 'node:http';
import { describe, expect, test } from 'vitest';
import { clientAddressOf, ConfigError, parseTrustedProxies } from '../src/index.ts';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as http.IncomingMessage;

describe('client address behind trusted proxies', () => {
  test('an exact address is trusted; any other peer is its own client address', () => {
    const trusted = parseTrustedProxies('10.0.0.1', '');
    expect(clientAddressOf(request('10.0.0.1', '203.0.113.7'), trusted)).toBe('203.0.113.7');
    expect(clientAddressOf(request('10.0.0.2', '203.0.113.7'), trusted)).toBe('10.0.0.2');
  });

  test('a CIDR range trusts every peer inside it (a pod network), and none outside', () => {
    const trusted = parseTrustedProxies('10.244.0.0/16, fd00:10::/32', '');
    expect(clientAddressOf(request('10.244.3.17', '198.51.100.4'), trusted)).toBe('198.51.100.4');
    expect(clientAddressOf(request('10.245.0.1', '198.51.100.4'), trusted)).toBe('10.245.0.1');
    expect(clientAddressOf(request('fd00:10::abcd', '198.51.100.4'), trusted)).toBe('198.51.100.4');
    expect(clientAddressOf(request('fd00:11::1', '198.51.100.4'), trusted)).toBe('fd00:11::1');
  });

  test('an IPv4 peer seen on a dual-stack socket (::ffff:a.b.c.d) matches an IPv4 range', () => {
    const trusted = parseTrustedProxies('172.28.0.0/24', '');
    expect(clientAddressOf(request('::ffff:172.28.0.21', '192.0.2.9'), trusted)).toBe('192.0.2.9');
    expect(clientAddressOf(request('::ffff:172.28.1.21', '192.0.2.9'), trusted)).toBe('::ffff:172.28.1.21');
  });

  test('the last hop of a chain is the client; an overlong one falls back to the peer', () => {
    const trusted = parseTrustedProxies('127.0.0.1', '');
    expect(clientAddressOf(request('127.0.0.1', '1.1.1.1, 192.0.2.50'), trusted)).toBe('192.0.2.50');
    expect(clientAddressOf(request('127.0.0.1', 'x'.repeat(65)), trusted)).toBe('127.0.0.1');
  });

  test('a malformed entry stops the start, naming the variable', () => {
    for (const raw of ['10.0.0.0/33', 'gateway', '10.0.0.1/8/1', '::1/129', '10.0.0.0/-1']) {
      let error: unknown;
      try {
        parseTrustedProxies(raw, '');
      } catch (e) {
        error = e;
      }
      expect(error, raw).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('TRUSTED_PROXY_ADDRESSES');
    }
  });
});
