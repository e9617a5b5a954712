import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTokenVerifier } from '@platform/kernel';
import { TEST_AUDIENCE, TEST_ISSUER } from '@platform/testkit';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { postQuery } from './support/http.ts';
import { forge, plausibleClaims, startJwksIssuer, type JwksIssuer } from './support/jwt-keys.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

// The gateway here uses its production verifier: a remote JWKS over HTTP (no verifyToken injected).
const logger = memoryLogger();
let issuer: JwksIssuer;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
let testMode: StartedGateway;
let production: StartedGateway;
let development: StartedGateway;
let subgraphRequests = 0;
const countRequest = () => subgraphRequests++;

beforeAll(async () => {
  issuer = await startJwksIssuer();
  subgraphs = await startFixtureSubgraphs({
    logger,
    verifyToken: createTokenVerifier({ keys: issuer.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
  });
  subgraphs.alpha.httpServer.on('request', countRequest);
  subgraphs.beta.httpServer.on('request', countRequest);
  dir = await tempDir();
  await writeFile(dir.file('supergraph.graphql'), composeFixtures());
  const env = { SUPERGRAPH_PATH: dir.file('supergraph.graphql'), JWKS_URL: issuer.url };
  const deps = { logger, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } };
  [testMode, production, development] = await Promise.all([
    startGateway(env, deps),
    startGateway({ ...env, NODE_ENV: 'production' }, deps),
    startGateway({ ...env, NODE_ENV: 'development' }, deps),
  ]);
});

afterAll(async () => {
  await Promise.all([testMode, production, development].map((g) => g?.gateway.stop()));
  await subgraphs?.stop();
  await issuer?.stop();
  await dir?.remove();
});

describe('tokens at the gateway', () => {
  test('a valid token is verified against the remote JWKS (fetched once, then cached) and forwarded', async () => {
    for (const sub of ['user-a', 'user-b', 'user-c']) {
      const response = await postQuery(testMode.server.url, '{ thing(id: "a1") { seenBy } }', { authorization: `Bearer ${await issuer.token({ sub })}` });
      expect(response.json()).toEqual({ data: { thing: { seenBy: sub } } });
    }
    // The gateway and the two subgraphs each keep their own cache: three fetches at most, not one per request.
    expect(issuer.fetches()).toBeLessThanOrEqual(3);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const attacks: [string, () => Promise<string>][] = [
    ['an expired token', () => issuer.token({ issuedAt: now() - 3_600, expiresAt: now() - 60 })],
    ['a token for another audience', () => issuer.token({ audience: 'someone-else' })],
    ['a token from another issuer', () => issuer.token({ issuer: 'evil/identity' })],
    ['a token with a tampered signature', async () => forge.tamperSignature(await issuer.token())],
    ['a token whose claims were rewritten (role → OWNER)', async () => forge.tamperPayload(await issuer.token(), { role: 'OWNER', sub: 'admin' })],
    ['an unsigned token (alg: none)', async () => forge.unsigned(plausibleClaims())],
    ['an HS256 token keyed with the public key (algorithm confusion)', async () => forge.hmacWithPublicKey(plausibleClaims(), issuer.publicJwk, issuer.kid)],
    ['a token signed by an unknown key (unknown kid)', () => issuer.token({ foreignKey: true, kid: 'attacker-key' })],
    ['a token signed by another key under our kid', () => issuer.token({ foreignKey: true })],
    ['a token without its typ claim', () => issuer.token({ claims: { typ: undefined } })],
    ['a token with a made-up role', () => issuer.token({ claims: { role: 'GOD' } })],
    ['garbage', async () => 'not-a-jwt'],
  ];

  test.each(attacks)('%s → 401 UNAUTHENTICATED, and no subgraph is called', async (_name, makeToken) => {
    const token = await makeToken();
    const before = subgraphRequests;
    const response = await postQuery(testMode.server.url, '{ thing(id: "a2") { name seenBy } }', { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    const body = response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    expect(subgraphRequests).toBe(before);
  });

  test.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two tokens', 'token-without-scheme'])(
    'a malformed Authorization header (%s) → 401 UNAUTHENTICATED',
    async (header) => {
      const response = await postQuery(testMode.server.url, '{ thing(id: "a3") { name } }', { authorization: header });
      expect(response.status).toBe(401);
      expect(response.json().errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    },
  );
});

describe('introspection', () => {
  const SCHEMA_QUERY = '{ __schema { queryType { name } } }';
  const TYPE_IN_FRAGMENT = 'query { ...Peek } fragment Peek on Query { __type(name: "Thing") { fields { name } } }';

  test.each([
    ['__schema', SCHEMA_QUERY],
    ['__type inside a fragment', TYPE_IN_FRAGMENT],
  ])('production, anonymous: %s is refused', async (_name, query) => {
    const response = await postQuery(production.server.url, query);
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(response.text).not.toContain('Thing');
  });

  test('production, anonymous: ordinary queries (and __typename) still work', async () => {
    const response = await postQuery(production.server.url, '{ __typename thing(id: "i1") { __typename name } }');
    expect(response.json()).toEqual({ data: { __typename: 'Query', thing: { __typename: 'Thing', name: 'thing i1' } } });
  });

  test('production, signed in: introspection is allowed', async () => {
    const token = await issuer.token();
    const response = await postQuery(production.server.url, TYPE_IN_FRAGMENT, { authorization: `Bearer ${token}` });
    const fields = (response.json().data?.['__type'] as { fields: { name: string }[] }).fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['id', 'name', 'extra']));
  });

  test('outside production, anonymous introspection is allowed', async () => {
    const response = await postQuery(testMode.server.url, SCHEMA_QUERY);
    expect(response.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});

describe('landing page', () => {
  const browserGet = (url: string) => fetch(url, { headers: { accept: 'text/html' } });

  // Issue 13: the explorer is ours (GraphiQL, bundled), served in every mode; partners use it in production.
  test.each([
    ['development', () => development],
    ['production', () => production],
  ] as const)(
    '%s serves our explorer, not the CDN-loaded Apollo Sandbox',
    async (_mode, gateway) => {
      const response = await browserGet(gateway().server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      const html = await response.text();
      expect(html).toContain('<div id="explorer">');
      expect(html).not.toMatch(/embeddable-(sandbox|explorer)|apollographql\.com/);
    },
    120_000,
  );
});
