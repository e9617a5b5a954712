import { sql } from 'kysely';
import { afterAll, expect, test } from 'vitest';
import { createDatabase, createLogger } from '../src/index.ts';
import { parseTextArray, parseTimestamptz, parseUuidArray } from '../src/db/type-parsers.ts';
import { createTestDatabase, dropTestDatabases } from './support/databases.ts';

afterAll(() => dropTestDatabases());

test('timestamptz text parses to the instant pg itself gives: fraction truncated to ms, any offset, odd values left to pg', () => {
  expect(parseTimestamptz('2026-11-29 18:40:46.123456+00')).toEqual(new Date('2026-11-29T18:40:46.123Z'));
  expect(parseTimestamptz('2026-11-29 18:40:46.999999+00')).toEqual(new Date('2026-11-29T18:40:46.999Z'));
  expect(parseTimestamptz('2026-11-29 18:40:46+00')).toEqual(new Date('2026-11-29T18:40:46.000Z'));
  expect(parseTimestamptz('2026-11-29 18:40:46.5+00')).toEqual(new Date('2026-11-29T18:40:46.500Z'));
  expect(parseTimestamptz('2026-11-29 18:40:46.57+00')).toEqual(new Date('2026-11-29T18:40:46.570Z'));
  expect(parseTimestamptz('2026-11-29 18:40:46.05+00')).toEqual(new Date('2026-11-29T18:40:46.050Z'));
  expect(parseTimestamptz('2026-11-29 18:40:46.1239+00')).toEqual(new Date('2026-11-29T18:40:46.123Z'));
  expect(parseTimestamptz('2026-02-30 00:00:00+00')).toEqual(new Date('2026-03-02T00:00:00.000Z'));
  expect(parseTimestamptz('2026-11-29 20:40:46.5+02')).toEqual(new Date('2026-11-29T18:40:46.500Z'));
  expect(parseTimestamptz('2026-11-29 13:10:46-05:30')).toEqual(new Date('2026-11-29T18:40:46.000Z'));
  expect(parseTimestamptz('1900-01-01 00:00:00+01:02:03')).toEqual(new Date('1899-12-31T22:57:57.000Z'));
  expect(parseTimestamptz('infinity')).toBe(Infinity);
  expect(parseTimestamptz('-infinity')).toBe(-Infinity);
  expect(parseTimestamptz('0050-06-01 00:00:00+00')).toEqual(new Date('0050-06-01T00:00:00.000Z'));
  expect((parseTimestamptz('0044-03-15 12:00:00+00 BC') as Date).getUTCFullYear()).toBe(-43);
});

test('uuid[] text parses to the same array pg gives: empty, NULLs kept, anything else (nested, quoted) left to pg', () => {
  const a = '0193a1b2-0000-7000-8000-000000000001';
  const b = '0193a1b2-0000-7000-8000-00000000000f';
  expect(parseUuidArray('{}')).toEqual([]);
  expect(parseUuidArray(`{${a}}`)).toEqual([a]);
  expect(parseUuidArray(`{${a},${b}}`)).toEqual([a, b]);
  expect(parseUuidArray(`{NULL,${b}}`)).toEqual([null, b]);
  expect(parseUuidArray(`{{${a}},{${b}}}`)).toEqual([[a], [b]]);
  expect(parseUuidArray(`{"${a}"}`)).toEqual([a]);
});

test('text[] text parses as pg does: empty fast, anything else by pg (quotes, escapes, NULL)', () => {
  expect(parseTextArray('{}')).toEqual([]);
  expect(parseTextArray('{WINDOWS,BACKUP}')).toEqual(['WINDOWS', 'BACKUP']);
  expect(parseTextArray('{"a b","c,d",NULL,"e\\"f"}')).toEqual(['a b', 'c,d', null, 'e"f']);
});

test('a database pool reads timestamptz, uuid[] and text[] columns through the parsers, in any session time zone', async () => {
  const database = createDatabase<unknown>({ url: await createTestDatabase('type_parsers'), logger: createLogger({}, 'error') });
  try {
    const { rows } = await sql<{ at: Date; path: string[]; empty: string[]; nulls: (string | null)[]; no_tags: string[]; tags: (string | null)[] }>`
      select '2026-11-29 18:40:46.123456+00'::timestamptz as at,
             array['0193a1b2-0000-7000-8000-000000000001', '0193a1b2-0000-7000-8000-000000000002']::uuid[] as path,
             array[]::uuid[] as empty,
             array[null, '0193a1b2-0000-7000-8000-000000000003']::uuid[] as nulls,
             array[]::text[] as no_tags,
             array['x y', null, '{}']::text[] as tags`.execute(database.db);
    expect(rows[0]).toEqual({
      at: new Date('2026-11-29T18:40:46.123Z'),
      path: ['0193a1b2-0000-7000-8000-000000000001', '0193a1b2-0000-7000-8000-000000000002'],
      empty: [],
      nulls: [null, '0193a1b2-0000-7000-8000-000000000003'],
      no_tags: [],
      tags: ['x y', null, '{}'],
    });
    const zoned = await database.db.connection().execute(async (db) => {
      await sql`set time zone 'Asia/Kolkata'`.execute(db);
      return (await sql<{ at: Date }>`select '2026-11-29 18:40:46.5+00'::timestamptz as at`.execute(db)).rows[0]!.at;
    });
    expect(zoned).toEqual(new Date('2026-11-29T18:40:46.500Z'));
  } finally {
    await database.close();
  }
});
