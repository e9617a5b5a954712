import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestAuth, type TestAuth } from '@platform/testkit';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { post, postQuery } from './support/http.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

/** Issue 13 item 5: the production posture, checked in both modes (development is `npm start`'s). */
const logger = memoryLogger();
let auth: TestAuth;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
const gateways: Record<'production' | 'development', StartedGateway> = {} as never;

beforeAll(async () => {
  auth = await createTestAuth();
  subgraphs = await startFixtureSubgraphs({ verifyToken: auth.verifyToken, logger });
  dir = await tempDir();
  await writeFile(dir.file('supergraph.graphql'), composeFixtures());
  const deps = { logger, verifyToken: auth.verifyToken, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } };
  const env = { SUPERGRAPH_PATH: dir.file('supergraph.graphql') };
  [gateways.production, gateways.development] = await Promise.all([
    startGateway({ ...env, NODE_ENV: 'production' }, deps),
    startGateway({ ...env, NODE_ENV: 'development' }, deps),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(gateways).map((g) => g.gateway.stop()));
  await subgraphs?.stop();
  await dir?.remove();
});

const url = (mode: 'production' | 'development') => gateways[mode].server.url;
const base = (mode: 'production' | 'development') => gateways[mode].server.baseUrl;
const token = () => auth.userToken({ sub: 'u1', org: 'o1', role: 'VIEWER' });
const stamps = async (mode: 'production' | 'development') => (await postQuery(url(mode), '{ betaStamps }')).json().data?.['betaStamps'];

describe('field suggestions', () => {
  test('production: an unknown field is refused without "Did you mean"', async () => {
    const response = await postQuery(url('production'), '{ thing(id: "1") { nme } }');
    expect(response.status).toBe(400);
    expect(response.json().errors?.map((e) => e.message)).toEqual(['Cannot query field "nme" on type "Thing".']);
  });

  test('development: the suggestion helps the person typing', async () => {
    const response = await postQuery(url('development'), '{ thing(id: "1") { nme } }');
    expect(response.json().errors?.map((e) => e.message)).toEqual(['Cannot query field "nme" on type "Thing". Did you mean "name"?']);
  });
});

describe('introspection', () => {
  const INTROSPECT = '{ __schema { queryType { name } } }';
  test('production: anonymous introspection is UNAUTHENTICATED; a signed-in caller may introspect', async () => {
    const anonymous = await postQuery(url('production'), INTROSPECT);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json().errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    const signedIn = await postQuery(url('production'), INTROSPECT, { authorization: `Bearer ${await token()}` });
    expect(signedIn.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  test('development: anyone may introspect', async () => {
    expect((await postQuery(url('development'), INTROSPECT)).json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});

describe.each(['production', 'development'] as const)('%s: both modes', (mode) => {
  test('a mutation over GET is refused (405) and runs nothing', async () => {
    const before = await stamps(mode);
    const query = encodeURIComponent('mutation { betaStamp(at: "2026-01-01T00:00:00Z") }');
    const response = await fetch(`${url(mode)}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
    expect(((await response.json()) as { errors: { message: string }[] }).errors.map((e) => e.message)).toEqual([
      'GET requests only support query operations, not mutation operations',
    ]);
    expect(await stamps(mode)).toBe(before);
    const query2 = encodeURIComponent('{ betaPing }');
    const get = await fetch(`${url(mode)}?query=${query2}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual({ data: { betaPing: 'pong' } }); // a query over GET is fine
  });

  test('a batched request is refused (400) and runs nothing', async () => {
    const before = await stamps(mode);
    const body = JSON.stringify([{ query: 'mutation { betaStamp(at: "2026-01-01T00:00:00Z") }' }, { query: '{ betaPing }' }]);
    const response = await post(url(mode), body);
    expect(response.status).toBe(400);
    expect(response.text).toContain('Operation batching disabled.');
    expect(await stamps(mode)).toBe(before);
  });

  test('CSRF: a GET without a preflight header, or a POST a form could send, is refused', async () => {
    const get = await fetch(`${url(mode)}?query=${encodeURIComponent('{ betaPing }')}`);
    expect(get.status).toBe(400);
    expect(await get.text()).toContain('This operation has been blocked as a potential Cross-Site Request Forgery (CSRF).');
    const before = await stamps(mode);
    const form = await post(url(mode), JSON.stringify({ query: 'mutation { betaStamp(at: "2026-01-01T00:00:00Z") }' }), { 'content-type': 'text/plain' });
    expect(form.status).toBe(400);
    expect(form.text).toContain('Cross-Site Request Forgery');
    expect(await stamps(mode)).toBe(before);
  });

  test('no tracing data in responses, even when a client asks for it', async () => {
    const response = await postQuery(url(mode), '{ betaPing thing(id: "t1") { name extra } }', { 'apollo-federation-include-trace': 'ftv1' });
    expect(response.json()).toEqual({ data: { betaPing: 'pong', thing: { name: 'thing t1', extra: expect.any(String) } } });
    expect(response.text).not.toContain('extensions');
  });

  test('the explorer page and its assets carry the security headers; no CDN', async () => {
    const page = await fetch(url(mode), { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const headers = Object.fromEntries(page.headers);
    expect(headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(html).not.toMatch(/https?:\/\//); // every script and style comes from the gateway
    const script = html.match(/src="(\/explorer\/app\.js\?v=[0-9a-f]+)"/)?.[1];
    const style = html.match(/href="(\/explorer\/app\.css\?v=[0-9a-f]+)"/)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    for (const [path, type] of [
      [script, 'text/javascript; charset=utf-8'],
      [style, 'text/css; charset=utf-8'],
    ] as const) {
      const asset = await fetch(`${base(mode)}${path}`);
      expect(asset.status).toBe(200);
      expect(Object.fromEntries(asset.headers)).toMatchObject({
        'content-type': type,
        'x-content-type-options': 'nosniff',
        'cache-control': 'public, max-age=31536000, immutable',
      });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
  }, 120_000);

  test('a GraphQL client asking GET /graphql for JSON still gets GraphQL, not the page', async () => {
    const response = await fetch(`${url(mode)}?query=${encodeURIComponent('{ betaPing }')}`, {
      headers: { accept: 'text/html, application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await response.json()).toEqual({ data: { betaPing: 'pong' } });
  });

  test('an operationName the document does not define is a 400 naming it, not an internal error', async () => {
    const response = await post(url(mode), JSON.stringify({ query: 'query Partner { betaPing }', operationName: 'Me' }));
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ errors: [{ message: 'Unknown operation named "Me".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
  });
});
