import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listen } from '@platform/kernel';
import { createTestAuth, freePort, type TestAuth } from '@platform/testkit';
import { startFixtureSubgraphs, SECRET_ERROR, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { leaksIn, postQuery } from './support/http.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

const subgraphLogger = memoryLogger();
const gatewayLogger = memoryLogger();
let auth: TestAuth;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
let supergraphPath: string;
let main: StartedGateway;
const extraGateways: StartedGateway[] = [];

async function extraGateway(env: Record<string, string>, serviceUrls: Record<string, string>): Promise<StartedGateway> {
  const started = await startGateway({ SUPERGRAPH_PATH: supergraphPath, ...env }, { logger: gatewayLogger, verifyToken: auth.verifyToken, serviceUrls });
  extraGateways.push(started);
  return started;
}

beforeAll(async () => {
  auth = await createTestAuth();
  subgraphs = await startFixtureSubgraphs({ verifyToken: auth.verifyToken, logger: subgraphLogger });
  dir = await tempDir();
  supergraphPath = dir.file('supergraph.graphql');
  await writeFile(supergraphPath, composeFixtures());
  main = await startGateway(
    { SUPERGRAPH_PATH: supergraphPath },
    { logger: gatewayLogger, verifyToken: auth.verifyToken, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } },
  );
});

afterAll(async () => {
  subgraphs?.releaseHanging();
  await Promise.all([main?.gateway.stop(), ...extraGateways.map((g) => g.gateway.stop())]);
  await subgraphs?.stop();
  await dir?.remove();
});

describe('federated queries', () => {
  test('one query is answered by both subgraphs (served at the override URLs, not the routing_url)', async () => {
    const response = await postQuery(main.server.url, '{ thing(id: "t1") { id name extra } }');
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ data: { thing: { id: 't1', name: 'thing t1', extra: 'extra for t1' } } });
  });

  test('SUBGRAPH_URL_<NAME> wins over routing_url, and serviceUrls wins over both', async () => {
    const deadPort = await freePort();
    const { server } = await extraGateway(
      { SUBGRAPH_URL_ALPHA: subgraphs.alpha.url, SUBGRAPH_URL_BETA: `http://127.0.0.1:${deadPort}/graphql` },
      { beta: subgraphs.beta.url },
    );
    const response = await postQuery(server.url, '{ thing(id: "u1") { name extra } }');
    expect(response.json()).toEqual({ data: { thing: { name: 'thing u1', extra: 'extra for u1' } } });
  });

  test("the caller's verified token and the request id reach the subgraph", async () => {
    const token = await auth.userToken({ sub: 'user-42', org: 'org-1', role: 'MEMBER' });
    const response = await postQuery(main.server.url, '{ thing(id: "t2") { seenBy seenRequestId } }', {
      authorization: `Bearer ${token}`,
      'x-request-id': 'client-req-0001',
    });
    expect(response.json()).toEqual({ data: { thing: { seenBy: 'user-42', seenRequestId: 'client-req-0001' } } });
  });

  test('no token is an anonymous caller, not an error; each request gets its own id', async () => {
    const first = (await postQuery(main.server.url, '{ thing(id: "t3") { name seenBy seenRequestId } }')).json();
    const second = (await postQuery(main.server.url, '{ thing(id: "t3") { seenRequestId } }')).json();
    expect(first.errors).toBeUndefined();
    expect(first.data).toMatchObject({ thing: { name: 'thing t3', seenBy: null } });
    const ids = [first, second].map((r) => (r.data?.['thing'] as { seenRequestId: string }).seenRequestId);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  test('connections to a subgraph are kept alive and reused', async () => {
    let opened = 0;
    const count = () => opened++;
    subgraphs.beta.httpServer.on('connection', count);
    try {
      for (let i = 0; i < 5; i++) await postQuery(main.server.url, `{ thing(id: "k${i}") { extra } }`);
    } finally {
      subgraphs.beta.httpServer.off('connection', count);
    }
    expect(opened).toBeLessThanOrEqual(1);
  });
});

describe('a failing subgraph', () => {
  test('a field that throws a raw error: the rest of the data plus a masked error, the cause only in the logs', async () => {
    const response = await postQuery(main.server.url, '{ thing(id: "t4") { id name broken } }', { 'x-request-id': 'client-req-0004' });
    const body = response.json();
    expect(response.status).toBe(200);
    expect(body.data).toEqual({ thing: { id: 't4', name: 'thing t4', broken: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Internal error (request client-req-0004)',
      path: ['thing', 'broken'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'client-req-0004' },
    });
    expect(leaksIn(response.text)).toEqual([]);
    expect(subgraphLogger.text()).toContain(SECRET_ERROR);
  });

  test('a subgraph that is down: the other data plus a masked error with no URL in it', async () => {
    const closedPort = await freePort();
    const { server } = await extraGateway({}, { alpha: subgraphs.alpha.url, beta: `http://127.0.0.1:${closedPort}/graphql` });
    const response = await postQuery(server.url, '{ thing(id: "t5") { id name extra } }');
    const body = response.json();
    expect(body.data).toEqual({ thing: { id: 't5', name: 'thing t5', extra: null } });
    expect(body.errors?.map((e) => e.extensions?.['code'])).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(body.errors?.[0]?.message).toMatch(/^Internal error \(request [0-9a-f-]{36}\)$/);
    expect(leaksIn(response.text)).toEqual([]);
    expect(gatewayLogger.text()).toContain(`127.0.0.1:${closedPort}`); // the operator still sees where it failed
  });

  test.each([
    [401, 'UNAUTHENTICATED'],
    [500, 'INTERNAL_SERVER_ERROR'],
  ])('a subgraph answering HTTP %i with internals in the body: nothing of it reaches the client', async (status, code) => {
    const leaky = http.createServer((req, res) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [{ message: `${SECRET_ERROR} at http://10.0.0.7:4002/graphql`, extensions: { stacktrace: ['Error: x', '    at q (/srv/app.js:1:2)'] } }],
        }),
      );
    });
    const port = await listen(leaky, 0, '127.0.0.1');
    try {
      const { server } = await extraGateway({}, { alpha: subgraphs.alpha.url, beta: `http://127.0.0.1:${port}/graphql` });
      const response = await postQuery(server.url, '{ thing(id: "t6") { name extra } }');
      const body = response.json();
      expect(body.data).toEqual({ thing: { name: 'thing t6', extra: null } });
      expect(body.errors?.map((e) => e.extensions?.['code'])).toEqual([code]);
      expect(Object.keys(body.errors?.[0]?.extensions ?? {}).sort()).toEqual(code === 'UNAUTHENTICATED' ? ['code'] : ['code', 'requestId']);
      expect(leaksIn(response.text)).toEqual([]);
      expect(response.text).not.toContain('10.0.0.7');
    } finally {
      leaky.closeAllConnections();
      await new Promise((resolve) => leaky.close(resolve));
    }
  });

  test('a hanging subgraph is cut off at the timeout: the other data plus a masked error', async () => {
    const { server } = await extraGateway({ SUBGRAPH_TIMEOUT_MS: '400' }, { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url });
    const started = Date.now();
    const response = await postQuery(server.url, '{ thing(id: "t7") { id name slow } }');
    const elapsed = Date.now() - started;
    const body = response.json();
    expect(body.data).toEqual({ thing: { id: 't7', name: 'thing t7', slow: null } });
    expect(body.errors?.map((e) => e.extensions?.['code'])).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(leaksIn(response.text)).toEqual([]);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(5_000);
    expect(gatewayLogger.text()).toContain('timed out after 400 ms');
    subgraphs.releaseHanging();
  });
});
