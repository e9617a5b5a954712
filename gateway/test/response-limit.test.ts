import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestAuth } from '@platform/testkit';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { leaksIn, postQuery } from './support/http.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

// alpha answers `thing(id) { name }` with "thing <id>": a long id makes a response as large as we like.
const logger = memoryLogger();
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
let gateway: StartedGateway;

beforeAll(async () => {
  const auth = await createTestAuth();
  subgraphs = await startFixtureSubgraphs({ verifyToken: auth.verifyToken, logger });
  dir = await tempDir();
  await writeFile(dir.file('supergraph.graphql'), composeFixtures());
  gateway = await startGateway(
    { SUPERGRAPH_PATH: dir.file('supergraph.graphql'), SUBGRAPH_RESPONSE_LIMIT_BYTES: '4096' },
    { logger, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } },
  );
});

afterAll(async () => {
  await gateway?.gateway.stop();
  await subgraphs?.stop();
  await dir?.remove();
});

test('a subgraph response under the cap passes through', async () => {
  const id = 'x'.repeat(1_000);
  const response = await postQuery(gateway.server.url, `{ thing(id: "${id}") { name } }`);
  expect(response.json()).toEqual({ data: { thing: { name: `thing ${id}` } } });
});

test('a subgraph response over the cap is refused, naming the limit and its value, and the gateway keeps serving', async () => {
  const id = 'x'.repeat(3_000); // the id is echoed twice (id and name): over 6,000 bytes
  const response = await postQuery(gateway.server.url, `{ thing(id: "${id}") { id name } }`);
  const body = response.json();
  expect(body.errors).toEqual([
    {
      message: 'A subgraph response exceeded the limit of 4096 bytes (subgraphResponseBytes); ask for fewer items (a smaller first) or fewer fields.',
      extensions: { code: 'BAD_USER_INPUT', limit: 'subgraphResponseBytes', max: 4096 },
    },
  ]);
  expect(body.data).toEqual({ thing: null });
  expect(leaksIn(response.text)).toEqual([]);
  const after = await postQuery(gateway.server.url, '{ betaPing }');
  expect(after.json()).toEqual({ data: { betaPing: 'pong' } });
});
