import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listen } from '@platform/kernel';
import { createTestAuth, type TestAuth } from '@platform/testkit';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { leaksIn, post, postQuery } from './support/http.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

/**
 * Issue 14: a subgraph that refuses an operation (HTTP 400 with GraphQL errors) ran nothing, and the
 * client gets its error — BAD_USER_INPUT, the argument named, at the client's path — while the other
 * fields are still answered. Only real faults (5xx, network, timeouts) become "Internal error".
 */
const logger = memoryLogger();
let auth: TestAuth;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
let main: StartedGateway;
let broken: StartedGateway;
let brokenServer: http.Server;
const json = 'application/json';
const FAULTS = {
  '500 with GraphQL errors': [500, json, JSON.stringify({ errors: [{ message: 'boom at postgres://app:secret@db', extensions: { code: 'BAD_USER_INPUT' } }] })],
  '404 with HTML': [404, 'text/html', '<html>nope at http://10.0.0.5/</html>'],
  '400 whose error has no public code': [400, json, JSON.stringify({ errors: [{ message: 'relation "vms" does not exist' }] })],
  '400 whose message leaks a URL': [
    400,
    json,
    JSON.stringify({ errors: [{ message: 'at: bad, see http://10.0.0.5:4004/graphql', extensions: { code: 'BAD_USER_INPUT' } }] }),
  ],
  '400 with no errors': [400, json, JSON.stringify({ data: null })],
} as const;
let mode: keyof typeof FAULTS = '500 with GraphQL errors';

beforeAll(async () => {
  auth = await createTestAuth();
  subgraphs = await startFixtureSubgraphs({ verifyToken: auth.verifyToken, logger });
  dir = await tempDir();
  const supergraphPath = dir.file('supergraph.graphql');
  await writeFile(supergraphPath, composeFixtures());
  main = await startGateway(
    { SUPERGRAPH_PATH: supergraphPath },
    { logger, verifyToken: auth.verifyToken, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } },
  );
  // A beta that answers 500 / 404 with a body that is not a GraphQL response: real faults.
  brokenServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, type, body] = FAULTS[mode];
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
  });
  const port = await listen(brokenServer, 0, '127.0.0.1');
  broken = await startGateway(
    { SUPERGRAPH_PATH: supergraphPath },
    { logger, verifyToken: auth.verifyToken, serviceUrls: { alpha: subgraphs.alpha.url, beta: `http://127.0.0.1:${port}/graphql` } },
  );
});

afterAll(async () => {
  await Promise.all([main?.gateway.stop(), broken?.gateway.stop()]);
  await new Promise((r) => brokenServer?.close(r));
  await subgraphs?.stop();
  await dir?.remove();
});

const errorsOf = (r: { json(): { errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] } }) => r.json().errors ?? [];

describe('a subgraph refusal reaches the client', () => {
  test('a malformed DateTime literal: BAD_USER_INPUT naming the argument at the root field; the other fields are answered', async () => {
    const r = await postQuery(main.server.url, '{ betaWhen(at: "nope") betaPing thing(id: "t1") { name } }');
    expect(r.status).toBe(200);
    expect(r.json().data).toEqual({ betaWhen: null, betaPing: 'pong', thing: { name: 'thing t1' } });
    expect(errorsOf(r)).toEqual([
      {
        message: expect.stringMatching(/^at: must be an ISO-8601 date and time with a zone/),
        path: ['betaWhen'],
        extensions: { code: 'BAD_USER_INPUT', field: 'at' },
      },
    ]);
    expect(leaksIn(r.text)).toEqual([]);
  });

  test('the same in a variable names the argument and the variable', async () => {
    const r = await post(main.server.url, JSON.stringify({ query: 'query($when: DateTime!) { betaWhen(at: $when) betaPing }', variables: { when: 'nope' } }));
    expect(r.json().data).toEqual({ betaWhen: null, betaPing: 'pong' });
    expect(errorsOf(r)).toEqual([
      { message: expect.stringMatching(/^at: must be an ISO-8601/), path: ['betaWhen'], extensions: { code: 'BAD_USER_INPUT', field: 'at', variable: 'when' } },
    ]);
  });

  test("a good and a bad literal of the same scalar: only the bad one is refused; aliases are the client's path", async () => {
    const r = await postQuery(main.server.url, '{ good: betaWhen(at: "2026-01-31T10:00:00Z") bad: betaWhen(at: "2026-13-99") }');
    expect(r.json().data).toEqual({ good: '2026-01-31T10:00:00.000Z', bad: null });
    expect(errorsOf(r).map((e) => [e.path, e.extensions?.['code'], e.extensions?.['field']])).toEqual([[['bad'], 'BAD_USER_INPUT', 'at']]);
  });

  test("on an entity field (an _entities fetch), the path is the client's field on the entity", async () => {
    const r = await postQuery(main.server.url, '{ thing(id: "t2") { name extra seenAt(at: "yesterday") } }');
    expect(r.json().data).toEqual({ thing: { name: 'thing t2', extra: 'extra for t2', seenAt: null } });
    expect(errorsOf(r)).toEqual([
      { message: expect.stringMatching(/^at: must be an ISO-8601/), path: ['thing', 'seenAt'], extensions: { code: 'BAD_USER_INPUT', field: 'at' } },
    ]);
  });

  test('a refused mutation runs nothing and says why', async () => {
    const before = (await postQuery(main.server.url, '{ betaStamps }')).json().data?.['betaStamps'];
    const r = await postQuery(main.server.url, 'mutation { betaStamp(at: "nope") }');
    expect(errorsOf(r)).toEqual([
      { message: expect.stringMatching(/^at: must be an ISO-8601/), path: ['betaStamp'], extensions: { code: 'BAD_USER_INPUT', field: 'at' } },
    ]);
    expect((await postQuery(main.server.url, '{ betaStamps }')).json().data?.['betaStamps']).toBe(before);
    const ok = await postQuery(main.server.url, 'mutation { betaStamp(at: "2026-01-31T10:00:00+02:00") }');
    expect(ok.json()).toEqual({ data: { betaStamp: '2026-01-31T08:00:00.000Z' } });
  });
});

describe('real faults stay internal', () => {
  test.each(Object.keys(FAULTS) as (keyof typeof FAULTS)[])('%s: masked as an internal error, nothing of it leaks', async (fault) => {
    mode = fault;
    const r = await postQuery(broken.server.url, '{ betaPing thing(id: "t9") { name } }');
    expect(r.status).toBe(200);
    expect(r.json().data).toEqual({ betaPing: null, thing: { name: 'thing t9' } });
    expect(errorsOf(r).map((e) => e.extensions?.['code'])).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(leaksIn(r.text)).toEqual([]);
    expect(r.text).not.toMatch(/10\.0\.0\.5|relation|boom/);
  });
});
