import { codesOf, gql, tokenAs } from '@platform/testkit';
import { expect } from 'vitest';
import { billingTest as test } from './support/fixtures.ts';

const ADD = 'mutation($input: AddNoteInput!) { addNote(input: $input) { id organizationId text createdAt } }';
const NOTE = 'query($id: ID!) { note(id: $id) { id organizationId text createdAt } }';
const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Note { id text } } }';

interface NoteData {
  readonly id: string;
  readonly organizationId: string;
  readonly text: string;
  readonly createdAt: string;
}

test('a customer admin adds a note and reads it back', async ({ billing, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'ADMIN');
  const added = await gql<{ addNote: NoteData }>(billing.url, ADD, { input: { organizationId: tree.customerA, text: '  first note ' } }, { token });
  expect(added.errors).toBeUndefined();
  expect(added.data?.addNote).toMatchObject({ organizationId: tree.customerA, text: 'first note' });
  const id = added.data!.addNote.id;

  const read = await gql<{ note: NoteData }>(billing.url, NOTE, { id }, { token });
  expect(read.data?.note).toEqual(added.data?.addNote);
  // The reseller above sees it too.
  const reseller = await gql(billing.url, NOTE, { id }, { token: await tokenAs(auth, tree.resellerA, 'VIEWER') });
  expect(reseller.data?.note.id).toBe(id);
});

test('another customer gets NOT_FOUND, for reading and for writing', async ({ billing, auth, tree }) => {
  const own = await tokenAs(auth, tree.customerA, 'ADMIN');
  const added = await gql<{ addNote: NoteData }>(billing.url, ADD, { input: { organizationId: tree.customerA, text: 'private' } }, { token: own });
  const foreign = await tokenAs(auth, tree.customerB, 'ADMIN');

  const read = await gql(billing.url, NOTE, { id: added.data!.addNote.id }, { token: foreign });
  expect(codesOf(read)).toEqual(['NOT_FOUND']);
  const write = await gql(billing.url, ADD, { input: { organizationId: tree.customerA, text: 'sneaky' } }, { token: foreign });
  expect(codesOf(write)).toEqual(['NOT_FOUND']);
  expect(write.errors?.[0]?.extensions?.['field']).toBe('input.organizationId');
});

test('_entities, as the gateway calls it: visible notes resolve, foreign and unknown ones are null', async ({ billing, auth, tree }) => {
  const tokenA = await tokenAs(auth, tree.customerA, 'MEMBER');
  const tokenB = await tokenAs(auth, tree.customerB, 'MEMBER');
  const a = await gql<{ addNote: NoteData }>(billing.url, ADD, { input: { organizationId: tree.customerA, text: 'from A' } }, { token: tokenA });
  const b = await gql<{ addNote: NoteData }>(billing.url, ADD, { input: { organizationId: tree.customerB, text: 'from B' } }, { token: tokenB });
  const representations = [
    { __typename: 'Note', id: a.data!.addNote.id },
    { __typename: 'Note', id: b.data!.addNote.id },
    { __typename: 'Note', id: 'not-a-uuid' },
  ];
  const r = await gql(billing.url, ENTITIES, { representations }, { token: tokenA });
  expect(r.errors).toBeUndefined();
  expect(r.data?._entities).toEqual([{ id: a.data!.addNote.id, text: 'from A' }, null, null]);
});

test('bad input is BAD_USER_INPUT naming the argument', async ({ billing, auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'ADMIN');
  const malformed = await gql(billing.url, NOTE, { id: 'not-a-uuid' }, { token });
  expect(codesOf(malformed)).toEqual(['BAD_USER_INPUT']);
  expect(malformed.errors?.[0]?.message).toBe('id: must be a UUID.');

  const blank = await gql(billing.url, ADD, { input: { organizationId: tree.customerA, text: '   ' } }, { token });
  expect(codesOf(blank)).toEqual(['BAD_USER_INPUT']);
  expect(blank.errors?.[0]?.message).toBe('input.text: must not be blank.');
});

test('a viewer may read but not add', async ({ billing, auth, tree }) => {
  const viewer = await tokenAs(auth, tree.customerA, 'VIEWER');
  const r = await gql(billing.url, ADD, { input: { organizationId: tree.customerA, text: 'hello' } }, { token: viewer });
  expect(codesOf(r)).toEqual(['FORBIDDEN']);
});
