import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createLogger, startSubgraphServer, type RunningServer } from '../src/index.ts';
import { createTestAuth, gql, TestOrgTree } from '../src/testing/index.ts';

// A subgraph with one entity and string arguments at the top level and inside an input object.
const schema = buildSubgraphSchema({
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Note @key(fields: "id") { id: ID! text: String! }
    input NoteInput { text: String! tags: [String!] }
    type Query { echo(text: String!): String! }
    type Mutation { addNote(input: NoteInput!): Note! }`),
  resolvers: {
    Query: { echo: (_: unknown, args: { text: string }) => args.text },
    Mutation: { addNote: (_: unknown, args: { input: { text: string } }) => ({ id: 'n1', text: args.input.text }) },
    Note: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, text: 'found' }) },
  },
});

let server: RunningServer;
beforeAll(async () => {
  const auth = await createTestAuth();
  server = await startSubgraphServer({
    name: 'guards',
    schema,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({}, 'error'),
    verifyToken: auth.verifyToken,
    orgDirectory: new TestOrgTree(),
    extendContext: (base) => base,
    ready: async () => true,
  });
});
afterAll(() => server.stop());

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Note { id text } } }';

test('_entities resolves representations of its own entities as before', async () => {
  const r = await gql(server.url, ENTITIES, { r: [{ __typename: 'Note', id: 'n7' }] });
  expect(r.status).toBe(200);
  expect(r.errors).toBeUndefined();
  expect(r.data).toEqual({ _entities: [{ id: 'n7', text: 'found' }] });
});

test.each([
  ['a string', ['nope'], 'representations[0]'],
  ['a number', [42], 'representations[0]'],
  ['a list', [{ __typename: 'Note', id: 'n1' }, ['Note']], 'representations[1]'],
  ['no __typename', [{ id: 'n1' }], 'representations[0].__typename'],
  ['a type it does not own', [{ __typename: 'Organization', id: 'o1' }], 'representations[0].__typename'],
])('_entities with %s is BAD_USER_INPUT naming the representation, not an internal error', async (_what, representations, field) => {
  const r = await gql(server.url, ENTITIES, { r: representations });
  expect(r.status).toBeLessThan(500);
  expect(r.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
});

test.each([
  ['a string literal', 'query { echo(text: "a\\u0000b") }', {}, 'text'],
  ['a variable', 'query($t: String!) { echo(text: $t) }', { t: 'a\u0000b' }, 'text'],
  ['an input object literal', 'mutation { addNote(input: { text: "x\\u0000" }) { id } }', {}, 'input.text'],
  [
    'a variable inside an input object',
    'mutation($i: NoteInput!) { addNote(input: $i) { id } }',
    { i: { text: 'ok', tags: ['fine', 'bad\u0000'] } },
    'input.tags[1]',
  ],
])('a NUL character in %s is refused up front, naming the argument path', async (_where, query, variables, field) => {
  const r = await gql(server.url, query, variables);
  expect(r.status).toBe(400);
  expect(r.data ?? null).toBeNull();
  expect(r.errors).toEqual([
    expect.objectContaining({ message: `${field}: must not contain a NUL character.`, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }),
  ]);
});

test('strings without NUL pass untouched, unicode included', async () => {
  const r = await gql(server.url, 'query($t: String!) { echo(text: $t) }', { t: 'Ünïcødé ✓ \t tab' });
  expect(r.errors).toBeUndefined();
  expect(r.data).toEqual({ echo: 'Ünïcødé ✓ \t tab' });
});

test('the same query sent again is checked against each request’s own variables (the document’s part is worked out once)', async () => {
  const query = 'mutation($i: NoteInput!) { addNote(input: $i) { id text } }';
  const clean = await gql(server.url, query, { i: { text: 'first', tags: ['a'] } });
  expect(clean.errors).toBeUndefined();
  expect(clean.data).toEqual({ addNote: { id: 'n1', text: 'first' } });
  const dirty = await gql(server.url, query, { i: { text: 'ok', tags: ['a', 'b', 'c\u0000'] } });
  expect(dirty.status).toBe(400);
  expect(dirty.errors).toEqual([
    expect.objectContaining({
      message: 'input.tags[2]: must not contain a NUL character.',
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.tags[2]' }),
    }),
  ]);
  const cleanAgain = await gql(server.url, query, { i: { text: 'again' } });
  expect(cleanAgain.errors).toBeUndefined();
  expect(cleanAgain.data).toEqual({ addNote: { id: 'n1', text: 'again' } });
});
