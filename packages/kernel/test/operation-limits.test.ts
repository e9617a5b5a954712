import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createLogger, operationCost, startSubgraphServer, SUBGRAPH_OPERATION_LIMITS, type RunningServer } from '../src/index.ts';
import { createTestAuth, gql, TestOrgTree } from '../src/testing/index.ts';

// A subgraph whose schema nests without end: what a caller reaching a subgraph directly could abuse.
const schema = buildSubgraphSchema({
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Box @key(fields: "id") { id: ID! parent: Box boxes(first: Int): BoxConnection! tags: [Tag!]! }
    type BoxConnection { edges: [BoxEdge!]! }
    type BoxEdge { node: Box! }
    type Tag { name: String! }
    type Query { box: Box! }`),
  resolvers: {
    Query: { box: () => ({ id: 'b' }) },
    Box: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      parent: () => ({ id: 'p' }),
      boxes: (_: unknown, args: { first?: number }) => ({
        edges: Array.from({ length: Math.min(args.first ?? 1, 3) }, (_x, i) => ({ node: { id: `c${i}` } })),
      }),
      tags: () => [{ name: 't' }],
    },
  },
});

let server: RunningServer;
let resolved = 0;
beforeAll(async () => {
  const auth = await createTestAuth();
  server = await startSubgraphServer({
    name: 'limits',
    schema,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({}, 'error'),
    verifyToken: auth.verifyToken,
    orgDirectory: new TestOrgTree(),
    extendContext: (base) => {
      resolved++;
      return base;
    },
    ready: async () => true,
  });
});
afterAll(() => server.stop());

const nest = (depth: number) => `{ box { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

test('a subgraph answers an operation within its limits as before', async () => {
  const r = await gql(server.url, `{ box { id boxes(first: 2) { edges { node { id tags { name } } } } } }`);
  expect(r.errors).toBeUndefined();
  expect(r.data).toEqual({
    box: { id: 'b', boxes: { edges: [{ node: { id: 'c0', tags: [{ name: 't' }] } }, { node: { id: 'c1', tags: [{ name: 't' }] } }] } },
  });
});

test('the second wall: depth over the subgraph limit (24) is refused before anything resolves', async () => {
  expect((await gql(server.url, nest(24))).errors).toBeUndefined();
  const before = resolved;
  const r = await gql(server.url, nest(25));
  expect(r.status).toBe(400);
  expect(r.errors).toEqual([
    { message: 'Query depth limit of 24 exceeded, found 25.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxDepth', max: 24 } },
  ]);
  expect(resolved).toBe(before + 1); // the context was built, nothing was resolved
  expect(r.data).toBeUndefined();
});

test('aliases and directives over the subgraph limits are refused, naming the limit', async () => {
  const aliases = Array.from({ length: 61 }, (_, i) => `a${i}: id`).join(' ');
  const a = await gql(server.url, `{ box { ${aliases} } }`);
  expect(a.errors?.map((e) => [e.message, e.extensions])).toEqual([
    ['Aliases limit of 60 exceeded, found 61.', { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxAliases', max: 60 }],
  ]);
  const directives = Array.from({ length: 61 }, () => 'id @include(if: true)').join(' ');
  const d = await gql(server.url, `{ box { ${directives} } }`);
  expect(d.errors?.map((e) => [e.message, e.extensions])).toEqual([
    ['Directives limit of 60 exceeded, found 61.', { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxDirectives', max: 60 }],
  ]);
});

test('cost over the subgraph limit (first × children) is refused; _entities counts its representations', async () => {
  const r = await gql(server.url, `{ box { boxes(first: 300) { edges { node { boxes(first: 300) { edges { node { id } } } } } } } }`);
  expect(r.status).toBe(400);
  // 1 box + 1 connection + 300 edges + 300 nodes + 300 connections + 90,000 edges + 90,000 nodes
  expect(r.errors?.map((e) => e.extensions)).toEqual([{ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxCost', max: 50_000, cost: 180_902 }]);
  const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Box { boxes(first: 100) { edges { node { id } } } } } }';
  const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Box', id: `b${i}` }));
  expect(operationCost(schema, parse(entities), { variables: { r: reps(3) }, defaultListSize: 20 })).toBe(3 + 3 + 600);
  const ok = await gql(server.url, entities, { r: reps(3) });
  expect(ok.errors).toBeUndefined();
  const tooMany = await gql(server.url, entities, { r: reps(300) });
  expect(tooMany.errors?.map((e) => e.extensions)).toEqual([{ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxCost', max: 50_000, cost: 300 + 300 + 60_000 }]);
});

test('no field suggestions from a subgraph', async () => {
  const r = await gql(server.url, `{ box { parnt { id } } }`);
  expect(r.errors?.map((e) => e.message)).toEqual(['Cannot query field "parnt" on type "Box".']);
});

test('the subgraph limits are looser than the gateway needs for its planned queries', () => {
  expect(SUBGRAPH_OPERATION_LIMITS).toEqual({ maxDepth: 24, maxAliases: 60, maxDirectives: 60, maxTokens: 12_000, maxCost: 50_000, defaultListSize: 20 });
});
