import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { sql, type Generated, type Kysely } from 'kysely';
import { afterAll, expect, test } from 'vitest';
import { createTestAuth, gql, TestOrgTree } from '../src/testing/index.ts';
import { createTestDatabase, dropTestDatabases } from './support/databases.ts';
import {
  createLogger,
  defineSubgraph,
  InMemoryEventBus,
  inTransaction,
  outboxWriter,
  type Migrations,
  type OutboxTables,
  type Database,
  type PlatformEvent,
  type RequestContext,
} from '../src/index.ts';
import { frequentTask, until } from './support/timing.ts';

const writeOutbox = outboxWriter<{ 'note.added': { body: string } }>();

afterAll(() => dropTestDatabases());

interface NotesDB extends OutboxTables {
  notes: { id: Generated<string>; body: string };
}

const migrations: Migrations = {
  '2026_01_01_0001_notes': {
    async up(db: Kysely<unknown>) {
      await sql`create table notes (id text primary key default gen_random_uuid()::text, body text not null)`.execute(db);
      await sql`create table outbox (id uuid primary key, topic text not null, payload jsonb not null,
        created_at timestamptz not null default now(), published_at timestamptz)`.execute(db);
      await sql`create table processed_events (event_id uuid primary key, processed_at timestamptz not null default now())`.execute(db);
    },
  },
};

class Notes {
  constructor(private readonly db: Kysely<NotesDB>) {}
  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('notes')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
  add(body: string): Promise<void> {
    return inTransaction(this.db, async (trx) => {
      await trx.insertInto('notes').values({ body }).execute();
      await writeOutbox(trx, 'note.added', { body });
    });
  }
}

type NotesContext = RequestContext & { readonly notes: Notes };

const schema = buildSubgraphSchema({
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Query { noteCount: Int! }`),
  resolvers: { Query: { noteCount: (_root: unknown, _args: unknown, ctx: unknown) => (ctx as NotesContext).notes.count() } },
});

test('a subgraph defined by declaration starts on port 0, answers, relays its outbox to consumers, and stops in order', async () => {
  const warnings: string[] = [];
  const logger = { ...createLogger({}, 'error'), warn: (msg: string) => void warnings.push(msg) };
  const auth = await createTestAuth();
  const tree = new TestOrgTree();
  const org = tree.add('01900000-0000-7000-8000-000000000001', 'PROVIDER');
  const delivered: PlatformEvent[] = [];
  // The task's pass can be held mid-way, to stop the subgraph while it is in flight.
  // eslint-disable-next-line prefer-const -- set later in the test, read by the task declared before it
  let hold: Promise<void> | undefined;
  let release = () => {};
  let held = false;
  let passes = 0;
  let passError: unknown;

  const notes = defineSubgraph({
    name: 'notes',
    place: { databaseUrl: await createTestDatabase('kernel_define'), port: 0, host: '127.0.0.1' },
    deps: { logger, verifyToken: auth.verifyToken, orgDirectory: tree, eventBus: new InMemoryEventBus() },
    poolSize: 3,
    migrations,
    schema,
    outbox: 20,
    services: (database: Database<NotesDB>) => ({ notes: new Notes(database.db) }),
    context: (base, services): NotesContext => ({ ...base, notes: services.notes }),
    tasks: (database) => [
      frequentTask('note ticker', logger, async () => {
        passes += 1;
        if (hold) {
          held = true;
          await hold;
        }
        await database.background
          .insertInto('notes')
          .values({ body: 'tick' })
          .execute()
          .catch((error: unknown) => (passError = error));
      }),
    ],
    consumers: () => [{ name: 'note recorder', topics: ['note.added'], handle: async (event) => void delivered.push(event) }],
  });

  const server = await notes.start();
  expect(server.port).toBeGreaterThan(0);
  const token = await auth.userToken({ sub: 'u1', org, role: 'MEMBER' });
  await until(() => passes >= 1);
  const answer = await gql<{ noteCount: number }>(server.url, '{ noteCount }', {}, { token });
  expect(answer.errors).toBeUndefined();
  expect(answer.data?.noteCount).toBeGreaterThanOrEqual(0);
  expect((await fetch(`${server.baseUrl}/ready`)).status).toBe(200);

  await notes.services.notes.add('hello');
  await until(() => delivered.length === 1);
  expect(delivered[0]).toMatchObject({ topic: 'note.added', payload: { body: 'hello' } });

  hold = new Promise<void>((r) => (release = r));
  await until(() => held);
  let stopped = false;
  const stopping = notes.stop().then(() => (stopped = true));
  await new Promise((r) => setTimeout(r, 150));
  expect(stopped).toBe(false); // the pass in flight holds the stop
  await expect(fetch(server.url)).rejects.toThrow(); // but the server is already closed
  release();
  await stopping;
  expect(passError).toBeUndefined(); // the held pass finished on an open pool
  await expect(notes.db.selectFrom('notes').selectAll().execute()).rejects.toThrow(); // the pool is closed now
  const passesAtStop = passes;
  await new Promise((r) => setTimeout(r, 60));
  expect(passes).toBe(passesAtStop);
  expect(warnings).toEqual([]);
});

test('migrate() alone brings the schema up to date without serving', async () => {
  const auth = await createTestAuth();
  const subgraph = defineSubgraph({
    name: 'notes',
    place: { databaseUrl: await createTestDatabase('kernel_define_migrate'), port: 0, host: '127.0.0.1' },
    deps: { logger: createLogger({}, 'error'), verifyToken: auth.verifyToken, orgDirectory: new TestOrgTree(), eventBus: new InMemoryEventBus() },
    migrations,
    schema,
    services: (database: Database<NotesDB>) => ({ notes: new Notes(database.db) }),
    context: (base, services): NotesContext => ({ ...base, notes: services.notes }),
  });
  await subgraph.migrate();
  expect(await subgraph.services.notes.count()).toBe(0);
  await subgraph.stop();
});

test('a subgraph without a token verifier or org directory is refused at definition, naming it', async () => {
  const define = () =>
    defineSubgraph({
      name: 'lonely',
      place: { databaseUrl: 'postgres://127.0.0.1:1/none', port: 0, host: '127.0.0.1' },
      deps: { logger: createLogger({}, 'error'), eventBus: new InMemoryEventBus(), orgDirectory: new TestOrgTree() },
      migrations,
      schema,
      services: () => ({}),
      context: (base) => base,
    });
  expect(define).toThrow('subgraph lonely: no token verifier in deps or auth');
});
