import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createTestAuth, type TestAuth } from '@platform/testkit';
import { mergeKeyOf } from '../src/request-merging.ts';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { eventually, startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { postQuery, type RawResponse } from './support/http.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

// beta's `betaHeld` parks until released and then answers the caller's `sub`: while parked, the
// number of parked resolutions is the number of requests that reached beta.
const logger = memoryLogger();
let auth: TestAuth;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
let merging: StartedGateway;
let separate: StartedGateway;

beforeAll(async () => {
  auth = await createTestAuth();
  subgraphs = await startFixtureSubgraphs({ verifyToken: auth.verifyToken, logger });
  dir = await tempDir();
  await writeFile(dir.file('supergraph.graphql'), composeFixtures());
  const deps = { logger, verifyToken: auth.verifyToken, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } };
  merging = await startGateway({ SUPERGRAPH_PATH: dir.file('supergraph.graphql') }, deps);
  separate = await startGateway({ SUPERGRAPH_PATH: dir.file('supergraph.graphql'), MERGE_SUBGRAPH_REQUESTS: 'off' }, deps);
});

// A test that failed half-way must not leave requests parked for the next one.
afterEach(() => subgraphs?.releaseHanging());

afterAll(async () => {
  subgraphs?.releaseHanging();
  await merging?.gateway.stop();
  await separate?.gateway.stop();
  await subgraphs?.stop();
  await dir?.remove();
});

const asUser = async (sub: string) => ({ authorization: `Bearer ${await auth.userToken({ sub, org: 'org-1', role: 'MEMBER' })}` });
const heldFor = (gateway: StartedGateway, headers: Record<string, string>) => postQuery(gateway.server.url, '{ betaHeld }', headers);
// Generous: on a loaded machine the requests take a while to reach beta.
const reached = (check: () => void) => eventually(async () => check(), 20_000);
const answers = async (pending: Promise<RawResponse>[]) => (await Promise.all(pending)).map((r) => r.json());

test('identical concurrent queries of one caller reach the subgraph once, and each gets the answer', async () => {
  const headers = await asUser('user-1');
  const mergedBefore = merging.gateway.mergedSubgraphRequests;
  const pending = Array.from({ length: 5 }, () => heldFor(merging, headers));
  await reached(() => {
    expect(merging.gateway.mergedSubgraphRequests - mergedBefore).toBe(4);
    expect(subgraphs.held()).toBe(1);
  });
  subgraphs.releaseHanging();
  expect(await answers(pending)).toEqual(Array.from({ length: 5 }, () => ({ data: { betaHeld: 'user-1' } })));
});

test('callers with different tokens are never merged: each reaches the subgraph and sees only its own answer', async () => {
  const mergedBefore = merging.gateway.mergedSubgraphRequests;
  const pending = [heldFor(merging, await asUser('user-a')), heldFor(merging, await asUser('user-b')), heldFor(merging, {})];
  await reached(() => expect(subgraphs.held()).toBe(3));
  subgraphs.releaseHanging();
  expect(await answers(pending)).toEqual([{ data: { betaHeld: 'user-a' } }, { data: { betaHeld: 'user-b' } }, { data: { betaHeld: 'anonymous' } }]);
  expect(merging.gateway.mergedSubgraphRequests).toBe(mergedBefore);
});

test('with MERGE_SUBGRAPH_REQUESTS=off identical queries each reach the subgraph', async () => {
  const headers = await asUser('user-1');
  const pending = Array.from({ length: 3 }, () => heldFor(separate, headers));
  await reached(() => expect(subgraphs.held()).toBe(3));
  subgraphs.releaseHanging();
  expect(await answers(pending)).toEqual(Array.from({ length: 3 }, () => ({ data: { betaHeld: 'user-1' } })));
  expect(separate.gateway.mergedSubgraphRequests).toBe(0);
});

test('a request merges after its answer arrived only with later ones: nothing is cached', async () => {
  const headers = await asUser('user-1');
  const first = heldFor(merging, headers);
  await reached(() => expect(subgraphs.held()).toBe(1));
  subgraphs.releaseHanging();
  await first;
  const second = heldFor(merging, headers);
  await reached(() => expect(subgraphs.held()).toBe(1));
  subgraphs.releaseHanging();
  expect((await second).json()).toEqual({ data: { betaHeld: 'user-1' } });
});

test('only queries merge: mutations, unknown bodies and cancellable requests go out on their own', () => {
  const init = (body: string, extra: Record<string, unknown> = {}) => ({ method: 'POST', body, headers: { authorization: 'Bearer t' }, ...extra });
  const url = 'http://beta.internal/graphql';
  expect(mergeKeyOf(url, init('{"query":"query Op__beta__0{betaHeld}","variables":{}}'))).toBe(
    'http://beta.internal/graphql\nBearer t\n{"query":"query Op__beta__0{betaHeld}","variables":{}}',
  );
  expect(mergeKeyOf(url, init('{"query":"{betaHeld}"}'))).toBe('http://beta.internal/graphql\nBearer t\n{"query":"{betaHeld}"}');
  expect(mergeKeyOf(url, init('{"query":"mutation Op__beta__0{betaStamp(at:\\"x\\")}"}'))).toBeUndefined();
  expect(mergeKeyOf(url, init('{"variables":{},"query":"query{betaHeld}"}'))).toBeUndefined();
  expect(mergeKeyOf(url, init('{"query":"query{betaHeld}"}', { method: 'GET' }))).toBeUndefined();
  expect(mergeKeyOf(url, init('{"query":"query{betaHeld}"}', { signal: new AbortController().signal }))).toBeUndefined();
  expect(mergeKeyOf(url, init('{"query":"queryX{betaHeld}"}'))).toBeUndefined();
});
