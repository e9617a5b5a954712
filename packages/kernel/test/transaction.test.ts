import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, dropTestDatabases } from './support/databases.ts';
import { createDatabase, createLogger, inTransaction, type Database } from '../src/index.ts';

interface DB {
  counters: { id: number; value: number };
}

let database: Database<DB>;
let db: Kysely<DB>;

beforeAll(async () => {
  database = createDatabase<DB>({ url: await createTestDatabase('kernel_trx'), logger: createLogger({}, 'error') });
  db = database.db;
  await sql`create table counters (id int primary key, value int not null)`.execute(db);
});

afterAll(async () => {
  await database.close();
  await dropTestDatabases();
});

async function reset(): Promise<void> {
  await sql`truncate counters`.execute(db);
  await db
    .insertInto('counters')
    .values([
      { id: 1, value: 0 },
      { id: 2, value: 0 },
    ])
    .execute();
}

const valueOf = async (id: number): Promise<number> => (await db.selectFrom('counters').select('value').where('id', '=', id).executeTakeFirstOrThrow()).value;

const bump = (trx: Kysely<DB>, id: number) =>
  trx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('id', '=', id)
    .execute();

test('a real deadlock (40P01) between two connections is retried: both units of work commit once', async () => {
  await reset();
  const attempts = { a: 0, b: 0 };
  let aLocked!: () => void;
  let bLocked!: () => void;
  const aHasRow1 = new Promise<void>((r) => (aLocked = r));
  const bHasRow2 = new Promise<void>((r) => (bLocked = r));
  // Locks `first`, and on the first attempt waits until the other holds its row, then locks `second`.
  const lockBoth = (who: 'a' | 'b', first: number, second: number, locked: () => void, otherLocked: Promise<void>) =>
    inTransaction(db, async (trx) => {
      attempts[who] += 1;
      await bump(trx, first);
      if (attempts[who] === 1) {
        locked();
        await otherLocked;
      }
      await bump(trx, second);
    });
  // A locks 1 then 2, B locks 2 then 1: on the first attempt each waits for the other.
  const a = lockBoth('a', 1, 2, aLocked, bHasRow2);
  const b = lockBoth('b', 2, 1, bLocked, aHasRow1);
  await Promise.all([a, b]);
  expect(attempts.a + attempts.b).toBe(3); // the deadlock victim ran twice, the other once
  expect(await valueOf(1)).toBe(2);
  expect(await valueOf(2)).toBe(2);
});

test('a serialization failure (40001) under repeatable read is retried from the start', async () => {
  await reset();
  let attempts = 0;
  const seen: number[] = [];
  await inTransaction(
    db,
    async (trx) => {
      attempts += 1;
      seen.push((await trx.selectFrom('counters').select('value').where('id', '=', 1).executeTakeFirstOrThrow()).value);
      // Another connection changes the row after this snapshot was taken: the update below cannot serialize.
      if (attempts === 1) await db.updateTable('counters').set({ value: 10 }).where('id', '=', 1).execute();
      await bump(trx, 1);
    },
    { isolation: 'repeatable read' },
  );
  expect(attempts).toBe(2);
  expect(seen).toEqual([0, 10]);
  expect(await valueOf(1)).toBe(11);
});

test('other errors are not retried and nothing of the failed attempt survives', async () => {
  await reset();
  let attempts = 0;
  const duplicate = inTransaction(db, async (trx) => {
    attempts += 1;
    await bump(trx, 2);
    await trx.insertInto('counters').values({ id: 1, value: 5 }).execute();
  });
  await expect(duplicate).rejects.toMatchObject({ code: '23505' });
  expect(attempts).toBe(1);
  expect(await valueOf(2)).toBe(0);

  let plainAttempts = 0;
  await expect(
    inTransaction(db, async () => {
      plainAttempts += 1;
      throw new Error('domain refused');
    }),
  ).rejects.toThrow('domain refused');
  expect(plainAttempts).toBe(1);
});

test('retries stop after five attempts and the last failure is thrown', async () => {
  let attempts = 0;
  const always = inTransaction(db, async () => {
    attempts += 1;
    throw Object.assign(new Error('could not serialize access'), { code: '40001' });
  });
  await expect(always).rejects.toMatchObject({ code: '40001' });
  expect(attempts).toBe(5);
});
