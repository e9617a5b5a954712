import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROLE_SCOPES, scopesOfCaller } from '@platform/kernel';
import { DEFAULT_SUPERGRAPH_PATH } from '../src/config.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { leaksIn, post } from './support/http.ts';
import { startJwksIssuer, type JwksIssuer } from './support/jwt-keys.ts';
import { memoryLogger } from './support/memory-logger.ts';

/**
 * Issue 13 item 6: @authenticated and @requiresScopes in the subgraph schemas, composed into the real
 * supergraph and enforced by the gateway before anything is planned. The subgraphs here are one fake
 * that answers every request with nothing: a refusal must reach none of them, an allowed operation must.
 */
const logger = memoryLogger();
let issuer: JwksIssuer;
let gateway: StartedGateway;
let subgraph: http.Server;
let subgraphRequests = 0;

beforeAll(async () => {
  issuer = await startJwksIssuer();
  subgraph = http.createServer((_req, res) => {
    subgraphRequests++;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ data: null, errors: [{ message: 'fake', extensions: { code: 'NOT_FOUND' } }] }));
  });
  await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
  const { port } = subgraph.address() as { port: number };
  const url = `http://127.0.0.1:${port}/graphql`;
  const serviceUrls = Object.fromEntries(['identity', 'tenancy', 'wallet', 'catalog', 'vms'].map((name) => [name, url]));
  gateway = await startGateway({ SUPERGRAPH_PATH: DEFAULT_SUPERGRAPH_PATH, JWKS_URL: issuer.url }, { logger, serviceUrls });
});

afterAll(async () => {
  await gateway?.gateway.stop();
  await new Promise((resolve) => subgraph?.close(resolve));
  await issuer?.stop();
});

const ORG = '0192a000-0000-7000-8000-000000000001';
const TOP_UP = `mutation { topUpWallet(input: { organizationId: "${ORG}", amount: "100.00", paymentReference: "pay-1", idempotencyKey: "top-up-1" }) { id } }`;
const apiKey = (scopes: string[], role = 'OWNER') => issuer.token({ sub: 'key-1', claims: { typ: 'api_key', org: ORG, role, scopes } });
const user = (role: string) => issuer.token({ sub: 'user-1', claims: { typ: 'user', org: ORG, role, scopes: [] } });

async function send(query: string, token?: string) {
  const before = subgraphRequests;
  const response = await post(gateway.server.url, JSON.stringify({ query }), {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  expect(leaksIn(response.text)).toEqual([]);
  return { status: response.status, body: response.json(), reachedSubgraphs: subgraphRequests - before };
}

describe('@requiresScopes at the gateway', () => {
  test('an API key without billing:write cannot create top-ups: FORBIDDEN naming the field and scope, nothing sent on', async () => {
    const { status, body, reachedSubgraphs } = await send(TOP_UP, await apiKey(['wallet:read', 'vms:write']));
    expect(status).toBe(403);
    expect(body).toEqual({
      errors: [
        {
          message: 'Mutation.topUpWallet needs the scope billing:write, which this API key does not have.',
          extensions: { code: 'FORBIDDEN', field: 'Mutation.topUpWallet', requiredScopes: [['billing:write']] },
        },
      ],
    });
    expect(reachedSubgraphs).toBe(0);
  });

  test('an API key with billing:write passes the gateway (the wallet subgraph then checks the role)', async () => {
    const { body, reachedSubgraphs } = await send(TOP_UP, await apiKey(['billing:write']));
    expect(reachedSubgraphs).toBe(1);
    expect(body.errors?.map((e) => e.extensions?.['code'])).not.toContain('FORBIDDEN');
  });

  test('an API key carries exactly its scopes, whatever its role: vms:read does not give wallet:read', async () => {
    const query = `{ organization(id: "${ORG}") { id wallet { id } } }`;
    const { status, body } = await send(query, await apiKey(['organizations:read', 'vms:read'], 'OWNER'));
    expect(status).toBe(403);
    expect(body.errors).toEqual([
      {
        message: 'Organization.wallet needs the scope wallet:read, which this API key does not have.',
        extensions: { code: 'FORBIDDEN', field: 'Organization.wallet', requiredScopes: [['wallet:read']] },
      },
    ]);
    const allowed = await send(query, await apiKey(['organizations:read', 'wallet:read']));
    expect(allowed.reachedSubgraphs).toBeGreaterThan(0);
  });

  test('inside fragments too: a scope cannot be dodged with a fragment spread', async () => {
    const query = `mutation { ...F } fragment F on Mutation { powerOffVirtualMachine(id: "${ORG}") { id } }`;
    const { status, body } = await send(query, await apiKey(['vms:read']));
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', field: 'Mutation.powerOffVirtualMachine', requiredScopes: [['vms:write']] });
  });

  test('a user holds the scopes of their role: a VIEWER cannot power off a VM, a MEMBER passes; BILLING can top up', async () => {
    const powerOff = `mutation { powerOffVirtualMachine(id: "${ORG}") { id } }`;
    const viewer = await send(powerOff, await user('VIEWER'));
    expect(viewer.status).toBe(403);
    expect(viewer.body.errors?.[0]?.message).toBe('Mutation.powerOffVirtualMachine needs the scope vms:write, which this caller does not have.');
    expect((await send(powerOff, await user('MEMBER'))).reachedSubgraphs).toBe(1);
    expect((await send(TOP_UP, await user('BILLING'))).reachedSubgraphs).toBe(1);
    expect((await send(TOP_UP, await user('MEMBER'))).status).toBe(403);
  });
});

describe('@authenticated at the gateway', () => {
  test('anonymous callers are UNAUTHENTICATED naming the field, before any subgraph is asked', async () => {
    for (const [query, field] of [
      ['{ me { id } }', 'Query.me'],
      [TOP_UP, 'Mutation.topUpWallet'],
      [`{ organization(id: "${ORG}") { id } }`, 'Query.organization'],
    ] as const) {
      const { status, body, reachedSubgraphs } = await send(query);
      expect(status).toBe(401);
      expect(body.errors).toEqual([
        { message: `${field} needs a signed-in caller: send an access token or API key.`, extensions: { code: 'UNAUTHENTICATED', field } },
      ]);
      expect(reachedSubgraphs).toBe(0);
    }
  });

  test('fields without requirements stay public (log in, the catalogue)', async () => {
    const { reachedSubgraphs, status } = await send('{ categories { id name } }');
    expect(status).toBe(200);
    expect(reachedSubgraphs).toBe(1);
  });
});

test('the scope vocabulary: roles map onto scopes, API keys and services carry their own claim', () => {
  expect(ROLE_SCOPES.VIEWER).toEqual(['organizations:read', 'vms:read', 'wallet:read', 'billing:read', 'alerts:read']);
  expect(ROLE_SCOPES.BILLING).toContain('billing:write');
  expect(ROLE_SCOPES.MEMBER).not.toContain('billing:write');
  const caller = { kind: 'authenticated', sub: 'k', org: ORG, token: 't' } as const;
  expect([...scopesOfCaller({ ...caller, typ: 'api_key', role: 'OWNER', scopes: ['vms:read'] })]).toEqual(['vms:read']);
  expect([...scopesOfCaller({ ...caller, typ: 'user', role: 'VIEWER', scopes: ['billing:write'] })]).not.toContain('billing:write');
  expect([...scopesOfCaller({ kind: 'anonymous' })]).toEqual([]);
});
