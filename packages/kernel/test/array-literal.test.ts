import { sql } from 'kysely';
import { afterAll, expect, test } from 'vitest';
import { createDatabase, createLogger, plainArrayLiteral } from '../src/index.ts';
import { createTestDatabase, dropTestDatabases } from './support/databases.ts';

afterAll(() => dropTestDatabases());

test('uuids and ISO instants sent as a plain array literal arrive as the same arrays, in order; an empty list is an empty array', async () => {
  const database = createDatabase<unknown>({ url: await createTestDatabase('array_literal'), logger: createLogger({}, 'error') });
  try {
    const ids = ['0193a1b2-0000-7000-8000-000000000001', '0193A1B2-0000-7000-8000-00000000000F', '0193a1b2-0000-7000-8000-000000000001'];
    const times = ['2026-11-29T18:40:46.123Z', '1999-12-31T23:59:59.999Z'];
    expect(plainArrayLiteral(ids)).toBe(`{${ids.join(',')}}`);
    const { rows } = await sql<{ ids: string[]; times: Date[]; none: string[]; n: number }>`
      select ${plainArrayLiteral(ids)}::uuid[] as ids, ${plainArrayLiteral(times)}::timestamptz[] as times,
        ${plainArrayLiteral([])}::uuid[] as none, cardinality(${plainArrayLiteral(ids)}::uuid[]) as n`.execute(database.db);
    expect(rows).toEqual([
      {
        ids: ['0193a1b2-0000-7000-8000-000000000001', '0193a1b2-0000-7000-8000-00000000000f', '0193a1b2-0000-7000-8000-000000000001'],
        times: [new Date('2026-11-29T18:40:46.123Z'), new Date('1999-12-31T23:59:59.999Z')],
        none: [],
        n: 3,
      },
    ]);
  } finally {
    await database.close();
  }
});
