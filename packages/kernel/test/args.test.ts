import type { GraphQLError } from 'graphql';
import { expect, test } from 'vitest';
import {
  encodeCursor,
  isInstantIdCursor,
  isTextIdCursor,
  parseId,
  parseIdempotencyKey,
  parseIds,
  parseOptionalId,
  parseOptionalText,
  parsePage,
  parseText,
  toConnection,
} from '../src/index.ts';

const ID = '0193A5B0-0000-7000-8000-00000000000A';
const id = '0193a5b0-0000-7000-8000-00000000000a';

/** The error `run` throws, as a client sees it: message, code and the field it names. */
function refusal(run: () => unknown): { message: string; code: unknown; field: unknown } {
  try {
    run();
  } catch (error) {
    const e = error as GraphQLError;
    return { message: e.message, code: e.extensions['code'], field: e.extensions['field'] };
  }
  throw new Error('expected a refusal');
}

test('parseId lower-cases a UUID and refuses anything else with one message naming the argument', () => {
  expect(parseId(ID, 'id')).toBe(id);
  expect(refusal(() => parseId('42', 'input.organizationId'))).toEqual({
    message: 'input.organizationId: must be a UUID.',
    code: 'BAD_USER_INPUT',
    field: 'input.organizationId',
  });
  expect(refusal(() => parseId(`${id} `, 'id')).message).toBe('id: must be a UUID.');
});

test('parseOptionalId passes absence through; parseIds names the position of the bad one', () => {
  expect(parseOptionalId(null, 'productId')).toBeNull();
  expect(parseOptionalId(undefined, 'productId')).toBeNull();
  expect(parseOptionalId(ID, 'productId')).toBe(id);
  expect(parseIds([ID, id], 'ids')).toEqual([id, id]);
  expect(refusal(() => parseIds([id, id, id, 'nope'], 'ids'))).toEqual({ message: 'ids[3]: must be a UUID.', code: 'BAD_USER_INPUT', field: 'ids[3]' });
});

test('parseIdempotencyKey takes 1 to 200 visible ASCII characters', () => {
  expect(parseIdempotencyKey('web-01-first-try')).toBe('web-01-first-try');
  expect(parseIdempotencyKey('x'.repeat(200))).toBe('x'.repeat(200));
  const message = 'idempotencyKey: must be 1 to 200 printable characters without spaces.';
  for (const bad of ['', 'x'.repeat(201), 'two words', 'tab\there', 'naïve', 'nul\u0000']) {
    expect(refusal(() => parseIdempotencyKey(bad))).toEqual({ message, code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  }
  expect(refusal(() => parseIdempotencyKey('', 'input.idempotencyKey')).field).toBe('input.idempotencyKey');
});

test('parseText trims, bounds the length in characters and refuses blanks and NUL', () => {
  expect(parseText('  Protea Farms ', 'name', { max: 20 })).toBe('Protea Farms');
  expect(parseText('Ünïcødé', 'name', { max: 7 })).toBe('Ünïcødé');
  expect(parseText('  keep  ', 'search', { max: 20, trim: false })).toBe('  keep  ');
  expect(parseText('', 'search', { min: 0, max: 10 })).toBe('');
  expect(refusal(() => parseText('   ', 'reason', { max: 10 })).message).toBe('reason: must not be blank.');
  expect(refusal(() => parseText('abcdefghijk', 'reason', { max: 10 })).message).toBe('reason: must be at most 10 characters.');
  expect(refusal(() => parseText('ab', 'code', { min: 3, max: 10 })).message).toBe('code: must be at least 3 characters.');
  expect(refusal(() => parseText('a\u0000b', 'reason', { max: 10 })).message).toBe('reason: must not contain control characters.');
  // Multi-line text keeps its newlines; a name does not.
  expect(parseText('line one\nline two', 'description', { max: 100 })).toBe('line one\nline two');
});

test('parseText with singleLine collapses whitespace and refuses control characters', () => {
  expect(parseText('  Karoo \n  Cloud  ', 'name', { max: 120, singleLine: true })).toBe('Karoo Cloud');
  expect(refusal(() => parseText('bell\u0007', 'name', { max: 120, singleLine: true }))).toEqual({
    message: 'name: must not contain control characters.',
    code: 'BAD_USER_INPUT',
    field: 'name',
  });
});

test('parseOptionalText: absent or blank is null, anything else follows the rule', () => {
  expect(parseOptionalText(undefined, 'reference', { max: 5 })).toBeNull();
  expect(parseOptionalText(null, 'reference', { max: 5 })).toBeNull();
  expect(parseOptionalText('  ', 'reference', { max: 5 })).toBeNull();
  expect(parseOptionalText(' ab ', 'reference', { max: 5 })).toBe('ab');
  expect(refusal(() => parseOptionalText('abcdef', 'reference', { max: 5 })).field).toBe('reference');
});

test('parsePage with an id cursor: first is bounded, after must be an id this API gave out', () => {
  expect(parsePage({}, { cursor: 'id' })).toEqual({ size: 20, fetch: 21, after: null });
  expect(parsePage({ first: 5, after: encodeCursor(id) }, { cursor: 'id' })).toEqual({ size: 5, fetch: 6, after: id });
  expect(parsePage({ first: 50 }, { cursor: 'id', max: 50, fallback: 10 })).toEqual({ size: 50, fetch: 51, after: null });
  expect(refusal(() => parsePage({ first: 101 }, { cursor: 'id' }))).toEqual({
    message: 'first: must be between 1 and 100.',
    code: 'BAD_USER_INPUT',
    field: 'first',
  });
  expect(refusal(() => parsePage({ first: 0 }, { cursor: 'id' })).field).toBe('first');
  const notACursor = { message: 'after: is not a cursor this API gave out.', code: 'BAD_USER_INPUT', field: 'after' };
  expect(refusal(() => parsePage({ after: encodeCursor('not-an-id') }, { cursor: 'id' }))).toEqual(notACursor);
  expect(refusal(() => parsePage({ after: encodeCursor([id]) }, { cursor: 'id' }))).toEqual(notACursor);
  expect(refusal(() => parsePage({ after: '%%%' }, { cursor: 'id' }))).toEqual(notACursor);
});

test('parsePage with a typed cursor: the caller gives the shape check', () => {
  const byName = parsePage({ after: encodeCursor(['web-01', id]) }, { cursor: isTextIdCursor });
  expect(byName.after).toEqual(['web-01', id]);
  const byTime = parsePage({ after: encodeCursor(['2026-01-31T10:00:00.000Z', id]) }, { cursor: isInstantIdCursor });
  expect(byTime.after).toEqual(['2026-01-31T10:00:00.000Z', id]);
  const notACursor = 'after: is not a cursor this API gave out.';
  expect(refusal(() => parsePage({ after: encodeCursor(['web-01', id]) }, { cursor: isInstantIdCursor })).message).toBe(notACursor);
  expect(refusal(() => parsePage({ after: encodeCursor(['web-01', 'x']) }, { cursor: isTextIdCursor })).message).toBe(notACursor);
  expect(refusal(() => parsePage({ after: encodeCursor(['a', id, 'extra']) }, { cursor: isTextIdCursor })).message).toBe(notACursor);
  expect(refusal(() => parsePage({ after: encodeCursor(['x'.repeat(1001), id]) }, { cursor: isTextIdCursor })).message).toBe(notACursor);
  const isCount = (v: unknown): v is number => Number.isInteger(v);
  expect(parsePage({ after: encodeCursor(7) }, { cursor: isCount }).after).toBe(7);
});

test('toConnection encodes a cursor only when it is read, as encodeCursor of the row’s key; endCursor is the last edge’s', () => {
  const keysAsked: string[] = [];
  const rows = [
    { id: 'a', name: 'Alpha' },
    { id: 'b', name: 'Beta' },
    { id: 'c', name: 'Gamma' },
  ];
  const page = { size: 2, fetch: 3, after: null };
  const connection = toConnection(rows, page, (row) => {
    keysAsked.push(row.id);
    return [row.name, row.id];
  });
  expect(connection.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
  expect(connection.pageInfo.hasNextPage).toBe(true);
  expect(keysAsked).toEqual([]);
  expect(connection.edges[1]!.cursor).toBe(encodeCursor(['Beta', 'b']));
  expect(connection.pageInfo.endCursor).toBe(encodeCursor(['Beta', 'b']));
  expect(keysAsked).toEqual(['b', 'b']);
  expect(connection.edges[0]!.cursor).toBe(encodeCursor(['Alpha', 'a']));

  const last = toConnection(rows.slice(0, 1), page, (row) => row.id);
  expect(last.pageInfo).toMatchObject({ hasNextPage: false, endCursor: encodeCursor('a') });
  const empty = toConnection([], page, (row: { id: string }) => row.id);
  expect(empty.edges).toEqual([]);
  expect(empty.pageInfo).toMatchObject({ hasNextPage: false, endCursor: null });
});
