import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { DEMO_ORGS, DEMO_USERS } from '../../src/demo-data.ts';
import { demoUser, type TestPlatform } from '../../src/test-platform.ts';
import { platformTest as test } from '../support/platform-fixture.ts';

test.beforeAll(({ platform }) => void platform);

const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id email displayName } }`;
const input = (overrides: Record<string, unknown> = {}) => ({
  email: `new.user.${Math.random().toString(36).slice(2)}@protea.example`,
  password: 'a-long-enough-password',
  displayName: 'New User',
  organizationId: DEMO_ORGS.protea,
  role: 'MEMBER',
  ...overrides,
});
const userCount = async (p: TestPlatform) =>
  Number(
    (
      await p.identity.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('createUser', () => {
  test('an admin creates a user in its own organisation; the user can sign in there', async ({ platform: p }) => {
    const admin = await p.login('admin@protea.example');
    const i = input();
    const r = await p.gateway(CREATE, { i }, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data.createUser).toMatchObject({ email: i.email, displayName: 'New User' });
    const login = await p.gateway('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { role organization { id } } }', {
      e: i.email,
      p: i.password,
    });
    expect(login.data.logIn).toEqual({ role: 'MEMBER', organization: { id: DEMO_ORGS.protea } });
  });

  test('a reseller admin creates a user in a customer below it', async ({ platform: p }) => {
    const admin = await p.login('admin@karoo.example');
    const r = await p.gateway(CREATE, { i: input({ organizationId: DEMO_ORGS.baobab, role: 'ADMIN' }) }, admin);
    expect(r.errors).toBeUndefined();
  });

  const refused: [string, string, Record<string, unknown>, string, string?][] = [
    ['a member', 'dev@protea.example', {}, 'FORBIDDEN'],
    ['an admin granting OWNER', 'admin@protea.example', { role: 'OWNER' }, 'FORBIDDEN'],
    ['an admin of another customer', 'admin@baobab.example', {}, 'NOT_FOUND'],
    ['a customer admin creating upwards, in its reseller', 'admin@protea.example', { organizationId: DEMO_ORGS.karoo }, 'NOT_FOUND'],
    ['an unknown organisation', 'admin@protea.example', { organizationId: '01935c00-0000-7000-8000-0000000fffff' }, 'NOT_FOUND'],
    ['a malformed organisation id', 'admin@protea.example', { organizationId: 'protea' }, 'BAD_USER_INPUT', 'input.organizationId'],
    ['a malformed email', 'admin@protea.example', { email: 'nope@' }, 'BAD_USER_INPUT', 'input.email'],
    ['a short password', 'admin@protea.example', { password: 'short' }, 'BAD_USER_INPUT', 'input.password'],
    ['an empty name', 'admin@protea.example', { displayName: '   ' }, 'BAD_USER_INPUT', 'input.displayName'],
    ['an email taken in another case', 'admin@protea.example', { email: 'DEV@PROTEA.EXAMPLE' }, 'CONFLICT', 'input.email'],
  ];
  test.for(refused)('is refused for %s, writing nothing', async ([, caller, overrides, code, field], { platform: p }) => {
    const token = await p.login(caller);
    const before = await userCount(p);
    const r = await p.gateway(CREATE, { i: input(overrides) }, token);
    expect(codesOf(r)).toEqual([code]);
    if (field) expect(r.errors?.[0]?.extensions?.['field']).toBe(field);
    expect(await userCount(p)).toBe(before);
  });

  test('an unknown role is rejected by the schema before anything runs', async ({ platform: p }) => {
    const admin = await p.login('admin@protea.example');
    const r = await p.gateway(CREATE, { i: input({ role: 'SUPERUSER' }) }, admin);
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
  });

  test('anonymous callers cannot create users', async ({ platform: p }) => {
    expect(codesOf(await p.gateway(CREATE, { i: input() }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('user visibility', () => {
  const USER = 'query($id: ID!) { user(id: $id) { email } }';

  test('a reseller admin sees users of its customers; a customer admin does not see other customers', async ({ platform: p }) => {
    const karoo = await p.login('admin@karoo.example');
    expect((await p.gateway(USER, { id: demoUser('admin@protea.example').id }, karoo)).data.user.email).toBe('admin@protea.example');
    const protea = await p.login('admin@protea.example');
    expect(codesOf(await p.gateway(USER, { id: demoUser('admin@baobab.example').id }, protea))).toEqual(['NOT_FOUND']);
    expect(codesOf(await p.gateway(USER, { id: demoUser('admin@karoo.example').id }, protea))).toEqual(['NOT_FOUND']);
  });

  test('a malformed id is BAD_USER_INPUT naming the argument; a well-formed unknown one is NOT_FOUND', async ({ platform: p }) => {
    const owner = await p.login('ops@highveld.example');
    const malformed = await p.gateway(USER, { id: 'not-a-uuid' }, owner);
    expect(codesOf(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors?.[0]?.extensions?.['field']).toBe('id');
    expect(codesOf(await p.gateway(USER, { id: '01935c00-0000-7000-8000-0000000fffff' }, owner))).toEqual(['NOT_FOUND']);
  });

  test('the provider sees every demo user', async ({ platform: p }) => {
    const owner = await p.login('ops@highveld.example');
    for (const u of DEMO_USERS) expect((await p.gateway(USER, { id: u.id }, owner)).data?.user?.email).toBe(u.email);
  });

  test('_entities for a foreign user returns null, straight at the identity subgraph', async ({ platform: p }) => {
    const protea = await p.login('admin@protea.example');
    const r = await fetch(p.urls.identity, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${protea}` },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }',
        variables: {
          r: [
            { __typename: 'User', id: demoUser('admin@baobab.example').id },
            { __typename: 'User', id: demoUser('dev@protea.example').id },
            { __typename: 'User', id: 'not-a-uuid' }, // null too, never reaching SQL
          ],
        },
      }),
    });
    const body = (await r.json()) as { data: { _entities: unknown[] } };
    expect(body.data._entities).toEqual([null, { id: demoUser('dev@protea.example').id, email: 'dev@protea.example' }, null]);
  });
});
