import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createTestDatabase, dropTestDatabases } from './support/databases.ts';
import { byIdLoader, createDatabase, createLogger, groupedLoader, isUuid, pageLoader, type Database } from '../src/index.ts';
import { StatementCounter } from '../src/testing/index.ts';

interface DB {
  machines: { id: string; org_id: string; name: string };
}
type Machine = DB['machines'];

const ORG_A = '01900000-0000-7000-8000-00000000000a';
const ORG_B = '01900000-0000-7000-8000-00000000000b';
const ORG_EMPTY = '01900000-0000-7000-8000-00000000000e';
const m = (n: number) => `01900000-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`;

const counter = new StatementCounter();
let database: Database<DB>;
let db: Kysely<DB>;

beforeAll(async () => {
  database = createDatabase<DB>({ url: await createTestDatabase('kernel_loaders'), logger: createLogger({}, 'error'), onQuery: counter.record });
  db = database.db;
  await sql`create table machines (id uuid primary key, org_id uuid not null, name text not null)`.execute(db);
  await db
    .insertInto('machines')
    .values([
      { id: m(1), org_id: ORG_A, name: 'a-1' },
      { id: m(2), org_id: ORG_A, name: 'a-2' },
      { id: m(3), org_id: ORG_A, name: 'a-3' },
      { id: m(4), org_id: ORG_B, name: 'b-1' },
    ])
    .execute();
});
beforeEach(() => counter.reset());
afterAll(async () => {
  await database.close();
  await dropTestDatabases();
});

const findMachines = (ids: string[]) => db.selectFrom('machines').selectAll().where('id', 'in', ids).execute();

test('byIdLoader: one statement per batch, results in key order, null for a missing id', async () => {
  const loader = byIdLoader(findMachines, (row: Machine) => row.id);
  const missing = '01900000-0000-7000-8000-0000000009ff';
  const rows = await Promise.all([m(3), missing, m(1), m(4)].map((id) => loader.load(id)));
  expect(rows.map((r) => r?.name ?? null)).toEqual(['a-3', null, 'a-1', 'b-1']);
  expect(counter.count).toBe(1);
});

test('byIdLoader keyed by another column, e.g. one row per organisation', async () => {
  const firstOfOrg = byIdLoader(
    async (orgIds: string[]) => db.selectFrom('machines').selectAll().where('org_id', 'in', orgIds).where('name', 'like', '%-1').execute(),
    (row: Machine) => row.org_id,
  );
  expect((await firstOfOrg.loadMany([ORG_B, ORG_EMPTY, ORG_A])).map((r) => (r instanceof Error ? r : (r?.name ?? null)))).toEqual(['b-1', null, 'a-1']);
});

test('byIdLoader: keys refused by `accepts` are null and never reach SQL (a non-UUID would be a PostgreSQL error)', async () => {
  const loader = byIdLoader(findMachines, (row: Machine) => row.id, isUuid);
  expect(await Promise.all([loader.load('not-a-uuid'), loader.load(m(2))])).toEqual([null, { id: m(2), org_id: ORG_A, name: 'a-2' }]);
  expect(counter.count).toBe(1);
  counter.reset();
  expect(await byIdLoader(findMachines, (row: Machine) => row.id, isUuid).load('42')).toBeNull();
  expect(counter.count).toBe(0);
  // Without the guard the database refuses the batch, and every key of it fails.
  await expect(byIdLoader(findMachines, (row: Machine) => row.id).load('42')).rejects.toMatchObject({ code: '22P02' });
});

interface NamePage {
  readonly fetch: number;
  readonly after: string | null;
}

/** Pages of machines per organisation in one statement (row_number per parent). */
async function machinePages(orgIds: string[], page: NamePage): Promise<Map<string, Machine[]>> {
  const rows = await db
    .selectFrom((qb) =>
      qb
        .selectFrom('machines')
        .selectAll()
        .select(sql<number>`row_number() over (partition by org_id order by name)`.as('n'))
        .where('org_id', 'in', orgIds)
        .$if(page.after !== null, (q) => q.where('name', '>', page.after as string))
        .as('ranked'),
    )
    .select(['id', 'org_id', 'name'])
    .where('n', '<=', page.fetch)
    .orderBy('name')
    .execute();
  const byOrg = new Map<string, Machine[]>();
  for (const row of rows) byOrg.set(row.org_id, [...(byOrg.get(row.org_id) ?? []), row]);
  return byOrg;
}

test('groupedLoader: parents asking the same query share one statement; each distinct query is one more', async () => {
  const calls: { parents: string[]; query: NamePage }[] = [];
  const loader = groupedLoader<NamePage, Machine[]>(async (parents, query) => {
    calls.push({ parents, query });
    return machinePages(parents, query);
  }, []);
  const first2 = { fetch: 2, after: null };
  const [a, b, empty, aAgain, aAfter] = await Promise.all([
    loader.load({ parentId: ORG_A, query: first2 }),
    loader.load({ parentId: ORG_B, query: first2 }),
    loader.load({ parentId: ORG_EMPTY, query: first2 }),
    loader.load({ parentId: ORG_A, query: { fetch: 2, after: null } }),
    loader.load({ parentId: ORG_A, query: { fetch: 2, after: 'a-1' } }),
  ]);
  expect(a.map((r) => r.name)).toEqual(['a-1', 'a-2']);
  expect(aAgain).toBe(a);
  expect(b.map((r) => r.name)).toEqual(['b-1']);
  expect(empty).toEqual([]);
  expect(aAfter.map((r) => r.name)).toEqual(['a-2', 'a-3']);
  expect(counter.count).toBe(2);
  expect(calls).toEqual([
    { parents: [ORG_A, ORG_B, ORG_EMPTY], query: first2 },
    { parents: [ORG_A], query: { fetch: 2, after: 'a-1' } },
  ]);
});

test('groupedLoader gives `empty` to a parent the load left out, e.g. a summary', async () => {
  const counts = groupedLoader<{ prefix: string }, number>(async (parents, { prefix }) => {
    const rows = await db
      .selectFrom('machines')
      .select(['org_id', sql<string>`count(*)`.as('n')])
      .where('org_id', 'in', parents)
      .where('name', 'like', `${prefix}%`)
      .groupBy('org_id')
      .execute();
    return new Map(rows.map((r) => [r.org_id, Number(r.n)]));
  }, 0);
  expect(await counts.loadMany([ORG_A, ORG_B, ORG_EMPTY].map((parentId) => ({ parentId, query: { prefix: 'a' } })))).toEqual([3, 0, 0]);
  expect(counter.count).toBe(1);
});

test('pageLoader: a page query with a filter is part of the group', async () => {
  const loader = pageLoader<Machine, string, { suffix: string } | null>(async (parents, { fetch, after, filter }) => {
    const pages = await machinePages(parents, { fetch: 10, after });
    for (const [org, rows] of pages) pages.set(org, rows.filter((r) => !filter || r.name.endsWith(filter.suffix)).slice(0, fetch));
    return pages;
  });
  const [all, ones, onesB] = await Promise.all([
    loader.load({ parentId: ORG_A, query: { fetch: 10, after: null, filter: null } }),
    loader.load({ parentId: ORG_A, query: { fetch: 10, after: null, filter: { suffix: '1' } } }),
    loader.load({ parentId: ORG_B, query: { fetch: 10, after: null, filter: { suffix: '1' } } }),
  ]);
  expect(all.map((r) => r.name)).toEqual(['a-1', 'a-2', 'a-3']);
  expect(ones.map((r) => r.name)).toEqual(['a-1']);
  expect(onesB.map((r) => r.name)).toEqual(['b-1']);
  expect(counter.count).toBe(2);
});

test('a failing load fails every key of its group only', async () => {
  const loader = groupedLoader<{ fail: boolean }, string>(async (parents, { fail }) => {
    if (fail) throw new Error('statement failed');
    return new Map(parents.map((p) => [p, 'ok']));
  }, 'none');
  const results = await loader.loadMany([
    { parentId: ORG_A, query: { fail: true } },
    { parentId: ORG_B, query: { fail: true } },
    { parentId: ORG_A, query: { fail: false } },
  ]);
  expect(results.map((r) => (r instanceof Error ? r.message : r))).toEqual(['statement failed', 'statement failed', 'ok']);
});

test('groupedLoader with no query (a count per parent): one call for all parents, a repeated key answered from the cache', async () => {
  const calls: string[][] = [];
  const counts = groupedLoader<null, number>(async (parents) => {
    calls.push(parents);
    return new Map(parents.filter((p) => p !== ORG_EMPTY).map((p, i) => [p, i + 1]));
  }, 0);
  const first = await Promise.all([ORG_A, ORG_B, ORG_EMPTY, ORG_A].map((parentId) => counts.load({ parentId, query: null })));
  expect(first).toEqual([1, 2, 0, 1]);
  expect(await counts.load({ parentId: ORG_B, query: null })).toBe(2);
  expect(calls).toEqual([[ORG_A, ORG_B, ORG_EMPTY]]);
});
