import { expect } from 'vitest';
import { gql, type GraphQLResponse } from '@platform/testkit';
import type { TestPlatform } from '../../src/test-platform.ts';

export const CREATE_KEY = `mutation($i: CreateApiKeyInput!) {
  createApiKey(input: $i) { secret apiKey { id name prefix role scopes createdAt expiresAt lastUsedAt revokedAt revokedReason rateLimit { requestsPerMinute burst } organization { id } owner { id } } }
}`;
export const REVOKE_KEY = 'mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt revokedReason } }';
export const KEYS_OF = `query($id: ID!, $rev: Boolean) { organization(id: $id) { apiKeys(first: 50, includeRevoked: $rev) { edges { node { id name prefix lastUsedAt revokedAt revokedReason owner { id } } } } } }`;
export const ORGS = '{ organizations(first: 100) { edges { node { id } } } }';
export const ORG = 'query($id: ID!) { organization(id: $id) { id name } }';

export interface CreatedKey {
  readonly secret: string;
  readonly apiKey: { id: string; prefix: string; role: string; scopes: string[]; lastUsedAt: string | null; revokedAt: string | null };
}

export const ok = <D>(r: GraphQLResponse<D>): D => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as D;
};

export async function createKey(p: TestPlatform, token: string, input: Record<string, unknown>): Promise<CreatedKey> {
  const r = await p.gateway<{ createApiKey: CreatedKey }>(
    CREATE_KEY,
    { i: { name: 'partner key', role: 'VIEWER', scopes: ['ORGANIZATIONS_READ'], ...input } },
    token,
  );
  return ok(r).createApiKey;
}

/** A request through the gateway carrying an API key, as `Authorization: Bearer` or `X-API-Key`. */
export function withKey<D = any>(
  p: TestPlatform,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
  header: 'bearer' | 'x-api-key' = 'bearer',
) {
  return gql<D>(p.gatewayUrl, query, variables, { headers: header === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key } });
}

export const visibleOrgIds = async (p: TestPlatform, key: string): Promise<string[]> =>
  ok(await withKey<{ organizations: { edges: { node: { id: string } }[] } }>(p, key, ORGS))
    .organizations.edges.map((e) => e.node.id)
    .sort();

/** identity's exchange route, as a non-gateway caller (a telemetry collector) uses it. */
export async function exchange(p: TestPlatform, key: string | null, headers?: Record<string, string>) {
  const identityBase = new URL(p.urls.identity).origin;
  const response = await fetch(`${identityBase}/api-keys/token`, { method: 'POST', headers: headers ?? (key ? { 'x-api-key': key } : {}) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Polls until `check` passes or `timeoutMs` is over; returns how long it took. */
export async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
