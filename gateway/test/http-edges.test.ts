import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestAuth, freePort, type TestAuth } from '@platform/testkit';
import { createGateway } from '../src/index.ts';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { eventually, startGateway, testConfig, type StartedGateway } from './support/gateway-harness.ts';
import { post, postQuery } from './support/http.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, replaceFile, tempDir, type TempDir } from './support/supergraph.ts';

const logger = memoryLogger();
let auth: TestAuth;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
let serviceUrls: Record<string, string>;
const started: StartedGateway[] = [];

async function gatewayOn(file: string, env: Record<string, string> = {}): Promise<StartedGateway> {
  const gateway = await startGateway({ SUPERGRAPH_PATH: file, ...env }, { logger, verifyToken: auth.verifyToken, serviceUrls });
  started.push(gateway);
  return gateway;
}

let alphaCalls = 0;
const subgraphCalls = () => alphaCalls;
const status = async (url: string) => (await fetch(url)).status;

beforeAll(async () => {
  auth = await createTestAuth();
  subgraphs = await startFixtureSubgraphs({ verifyToken: auth.verifyToken, logger });
  subgraphs.alpha.httpServer.on('request', () => alphaCalls++);
  serviceUrls = { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url };
  dir = await tempDir();
  await writeFile(dir.file('base.graphql'), composeFixtures());
});

afterAll(async () => {
  await Promise.all(started.map((g) => g.gateway.stop()));
  await subgraphs?.stop();
  await dir?.remove();
});

describe('health and loading', () => {
  test('/health, /ready and /graphql answer 503 until a supergraph is loaded, then 200', async () => {
    const file = dir.file('late.graphql');
    const { gateway, server } = await gatewayOn(file);
    expect(gateway.loaded).toBe(false);
    expect(await status(`${server.baseUrl}/health`)).toBe(503);
    expect(await status(`${server.baseUrl}/ready`)).toBe(503);
    const early = await postQuery(server.url, '{ thing(id: "h1") { name } }');
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');

    await writeFile(file, 'this is not a supergraph');
    await eventually(async () => expect(logger.text()).toContain('supergraph file rejected; waiting for a fixed one'));
    expect(await status(`${server.baseUrl}/health`)).toBe(503);

    await replaceFile(file, composeFixtures());
    await eventually(async () => expect(await status(`${server.baseUrl}/health`)).toBe(200));
    expect(await status(`${server.baseUrl}/ready`)).toBe(200);
    expect(gateway.loaded).toBe(true);
    expect((await postQuery(server.url, '{ thing(id: "h1") { name extra } }')).json()).toEqual({
      data: { thing: { name: 'thing h1', extra: 'extra for h1' } },
    });
  });

  test('a broken supergraph file at boot fails start and releases the port', async () => {
    const file = dir.file('broken.graphql');
    await writeFile(file, 'type Query { nope: String }'); // valid SDL, but no supergraph
    const port = await freePort();
    const gateway = createGateway(testConfig({ SUPERGRAPH_PATH: file, PORT: String(port) }), { logger, verifyToken: auth.verifyToken, serviceUrls });
    await expect(gateway.start()).rejects.toThrow(/^Invalid supergraph: must be a core schema$/);
    expect(gateway.loaded).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    await expectPortFree(port);
  });

  test('stop() closes the port', async () => {
    const gateway = createGateway(testConfig({ SUPERGRAPH_PATH: dir.file('base.graphql') }), { logger, verifyToken: auth.verifyToken, serviceUrls });
    const server = await gateway.start();
    expect(await status(`${server.baseUrl}/health`)).toBe(200);
    await gateway.stop();
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    await expectPortFree(server.port);
    await gateway.stop(); // idempotent
  });
});

/** Binds the port again (on the gateway's host): it fails with EADDRINUSE if anything still holds it. */
async function expectPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => resolve());
  });
  expect((probe.address() as net.AddressInfo).port).toBe(port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

describe('supergraph reload', () => {
  test('a changed file is served without a restart; a broken one is logged and the last good schema kept', async () => {
    const file = dir.file('live.graphql');
    await writeFile(file, composeFixtures());
    const { server } = await gatewayOn(file);
    const query = '{ thing(id: "r1") { name color } }';
    expect((await postQuery(server.url, query)).json().errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');

    await replaceFile(file, composeFixtures({ withColor: true }));
    await eventually(async () => expect((await postQuery(server.url, query)).json()).toEqual({ data: { thing: { name: 'thing r1', color: 'teal' } } }));

    await writeFile(file, 'schema { query: Broken }'); // written in place, not renamed
    await eventually(async () => expect(logger.text()).toContain('new supergraph file rejected; keeping the loaded schema'));
    expect((await postQuery(server.url, query)).json()).toEqual({ data: { thing: { name: 'thing r1', color: 'teal' } } });
    expect(await status(`${server.baseUrl}/health`)).toBe(200);

    await replaceFile(file, composeFixtures({ withColor: false }));
    await eventually(async () => expect((await postQuery(server.url, query)).json().errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED'));
  });
});

describe('request limits and CSRF', () => {
  test('a body over BODY_LIMIT_BYTES is refused with 413; one under it is served', async () => {
    const { server } = await gatewayOn(dir.file('base.graphql'), { BODY_LIMIT_BYTES: '2048' });
    const padding = ' '.repeat(3_000);
    const big = await post(server.url, JSON.stringify({ query: `{ thing(id: "b1") { name } }${padding}` }));
    expect(big.status).toBe(413);
    expect(big.text).not.toContain('thing b1');
    const small = await postQuery(server.url, '{ thing(id: "b1") { name } }');
    expect(small.json()).toEqual({ data: { thing: { name: 'thing b1' } } });
  });

  test('a simple cross-site request (POST text/plain, GET without a preflight header) is blocked', async () => {
    const { server } = await gatewayOn(dir.file('base.graphql'));
    const before = subgraphCalls();
    const plain = await post(server.url, JSON.stringify({ query: '{ thing(id: "c1") { name } }' }), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(plain.text).toMatch(/Cross-Site Request Forgery/);
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ thing(id: "c1") { name } }')}`);
    expect(get.status).toBe(400);
    expect(subgraphCalls()).toBe(before);

    const preflighted = await fetch(`${server.url}?query=${encodeURIComponent('{ thing(id: "c1") { name } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await preflighted.json()).toEqual({ data: { thing: { name: 'thing c1' } } });
  });
});
