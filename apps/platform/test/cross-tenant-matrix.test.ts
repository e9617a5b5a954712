import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newId } from '@platform/kernel';
import { createTestAuth, gql, type GraphQLResponse } from '@platform/testkit';
import { DEMO_ORGANIZATIONS, DEMO_ORGS, DEMO_USERS } from '../src/demo-data.ts';
import { demoUser, startTestPlatform, type TestPlatform } from '../src/test-platform.ts';

// Tenancy isolation across the whole platform (DESIGN §4): the gateway, and each subgraph reached
// directly, show a caller nothing outside its own subtree, and say so as NOT_FOUND.

let p: TestPlatform;
const tokens = new Map<string, Promise<string>>();
const token = (email: string): Promise<string> => {
  if (!tokens.has(email)) tokens.set(email, p.login(email));
  return tokens.get(email)!;
};

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

const ORG = 'query($id: ID!) { organization(id: $id) { id name parent { id } } }';
const LIST = '{ organizations(first: 100) { totalCount edges { node { id } } } }';
const CREATE = 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateOrganizationInput!) { updateOrganization(id: $id, input: $input) { id name status } }';
const ADD = 'mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u, role: VIEWER) { id } }';
const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organization { id name } } }';

const codeOf = (r: GraphQLResponse<unknown>) => {
  expect(r.errors, JSON.stringify(r)).toHaveLength(1);
  return r.errors![0]!.extensions?.['code'];
};
const ok = <D>(r: GraphQLResponse<D>): D => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as D;
};
const listed = async (email: string) => {
  const r = ok(await p.gateway<{ organizations: { totalCount: number; edges: { node: { id: string } }[] } }>(LIST, {}, await token(email)));
  expect(r.organizations.totalCount).toBe(r.organizations.edges.length);
  return r.organizations.edges.map((e) => e.node.id).sort();
};

/** The tree rule, from the demo data alone: an organisation is visible from itself and every ancestor. */
function visibleFrom(orgId: string): string[] {
  const parentOf = new Map(DEMO_ORGANIZATIONS.map((o) => [o.id, o.parentId]));
  return DEMO_ORGANIZATIONS.filter((o) => {
    for (let at: string | null | undefined = o.id; at; at = parentOf.get(at)) if (at === orgId) return true;
    return false;
  })
    .map((o) => o.id)
    .sort();
}

describe('who sees what', () => {
  test('customer ↔ customer: protea cannot read baobab, and lists only itself', async () => {
    const protea = await token('admin@protea.example');
    expect(codeOf(await p.gateway(ORG, { id: DEMO_ORGS.baobab }, protea))).toBe('NOT_FOUND');
    expect(codeOf(await p.gateway(ORG, { id: DEMO_ORGS.karoo }, protea))).toBe('NOT_FOUND');
    expect(await listed('admin@protea.example')).toEqual([DEMO_ORGS.protea]);
    // Its own organisation shows no parent: the reseller above is not protea's to see.
    expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.protea }, protea)).organization).toEqual({ id: DEMO_ORGS.protea, name: 'Protea Logistics', parent: null });
  });

  test("reseller ↔ another reseller's customer: karoo cannot read fynbos nor create under atlantic", async () => {
    const karoo = await token('admin@karoo.example');
    const before = await listed('ops@highveld.example');
    expect(codeOf(await p.gateway(ORG, { id: DEMO_ORGS.fynbos }, karoo))).toBe('NOT_FOUND');
    expect(codeOf(await p.gateway(ORG, { id: DEMO_ORGS.atlantic }, karoo))).toBe('NOT_FOUND');
    expect(codeOf(await p.gateway(CREATE, { input: { kind: 'CUSTOMER', name: 'Trojan Horse', parentId: DEMO_ORGS.atlantic } }, karoo))).toBe('NOT_FOUND');
    expect(codeOf(await p.gateway(UPDATE, { id: DEMO_ORGS.fynbos, input: { status: 'SUSPENDED' } }, karoo))).toBe('NOT_FOUND');
    expect(codeOf(await p.gateway(ADD, { o: DEMO_ORGS.fynbos, u: demoUser('admin@karoo.example').id }, karoo))).toBe('NOT_FOUND');
    expect(await listed('ops@highveld.example')).toEqual(before);
    expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.fynbos }, await token('ops@highveld.example'))).organization.name).toBe('Fynbos Media');
  });

  test('a reseller sees its own customers', async () => {
    const karoo = await token('admin@karoo.example');
    expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.protea }, karoo)).organization).toEqual({
      id: DEMO_ORGS.protea,
      name: 'Protea Logistics',
      parent: { id: DEMO_ORGS.karoo },
    });
    expect(await listed('admin@karoo.example')).toEqual([DEMO_ORGS.karoo, DEMO_ORGS.protea, DEMO_ORGS.baobab].sort());
  });

  test('the provider sees all 11 organisations', async () => {
    expect(await listed('ops@highveld.example')).toEqual(Object.values(DEMO_ORGS).sort());
  });

  test('every demo user, against every organisation, sees exactly its subtree (gateway and subgraph agree)', async () => {
    const all = Object.values(DEMO_ORGS);
    const representations = all.map((id) => ({ __typename: 'Organization', id }));
    const check = async (user: (typeof DEMO_USERS)[number]) => {
      const caller = await token(user.email);
      const expected = visibleFrom(user.organizationId);
      const answers = await Promise.all(all.map(async (id) => ({ id, r: await p.gateway(ORG, { id }, caller) })));
      for (const { r } of answers) if (!r.data?.organization) expect(codeOf(r), user.email).toBe('NOT_FOUND');
      expect(answers.flatMap(({ id, r }) => (r.data?.organization ? [id] : [])).sort(), user.email).toEqual(expected);
      const entities = ok(await gql<{ _entities: ({ id: string } | null)[] }>(p.urls.tenancy, ENTITIES, { representations }, { token: caller }));
      expect(entities._entities.flatMap((e) => (e ? [e.id] : [])).sort(), user.email).toEqual(expected);
    };
    await Promise.all(DEMO_USERS.map(check));
  });
});

describe('who may write', () => {
  test('a protea MEMBER may not create organisations or add members (FORBIDDEN)', async () => {
    const member = await token('dev@protea.example');
    expect(codeOf(await p.gateway(CREATE, { input: { kind: 'CUSTOMER', name: 'Side Project', parentId: DEMO_ORGS.protea } }, member))).toBe('FORBIDDEN');
    expect(codeOf(await p.gateway(ADD, { o: DEMO_ORGS.protea, u: newId() }, member))).toBe('FORBIDDEN');
    expect(codeOf(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: 'Renamed by a member' } }, member))).toBe('FORBIDDEN');
    const members = ok(
      await p.gateway<{ organization: { members: { totalCount: number } } }>(
        'query($id: ID!) { organization(id: $id) { members { totalCount } } }',
        { id: DEMO_ORGS.protea },
        member,
      ),
    );
    expect(members.organization.members.totalCount).toBe(3);
  });

  test('a protea ADMIN may rename protea', async () => {
    const admin = await token('admin@protea.example');
    try {
      const r = ok(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: 'Protea Logistics (Pty) Ltd' } }, admin));
      expect(r.updateOrganization).toEqual({ id: DEMO_ORGS.protea, name: 'Protea Logistics (Pty) Ltd', status: 'ACTIVE' });
      expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.protea }, await token('admin@karoo.example'))).organization.name).toBe('Protea Logistics (Pty) Ltd');
    } finally {
      await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: 'Protea Logistics' } }, admin);
    }
  });
});

describe('reaching the tenancy subgraph directly', () => {
  test('no token: organization(id) is UNAUTHENTICATED; _entities shows nothing', async () => {
    expect(codeOf(await gql(p.urls.tenancy, ORG, { id: DEMO_ORGS.protea }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gql(p.urls.tenancy, LIST))).toBe('UNAUTHENTICATED');
    const r = await gql(p.urls.tenancy, ENTITIES, { representations: [{ __typename: 'Organization', id: DEMO_ORGS.protea }] });
    expect(r.data).toEqual({ _entities: [null] });
  });

  test('a forged token is UNAUTHENTICATED, at the subgraph and at the gateway', async () => {
    const forger = await createTestAuth();
    const forged = await forger.userToken({ sub: demoUser('ops@highveld.example').id, org: DEMO_ORGS.provider, role: 'OWNER' });
    for (const url of [p.urls.tenancy, p.gatewayUrl]) {
      const r = await gql(url, ORG, { id: DEMO_ORGS.protea }, { token: forged });
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('UNAUTHENTICATED');
      expect(r.data ?? null).toBeNull();
    }
  });

  test("_entities with another tenant's valid token returns null for the foreign organisation", async () => {
    const fynbos = await token('admin@fynbos.example');
    const r = ok(
      await gql<{ _entities: unknown[] }>(
        p.urls.tenancy,
        ENTITIES,
        { representations: [DEMO_ORGS.protea, DEMO_ORGS.karoo, DEMO_ORGS.fynbos].map((id) => ({ __typename: 'Organization', id })) },
        { token: fynbos },
      ),
    );
    expect(r._entities).toEqual([null, null, { id: DEMO_ORGS.fynbos, name: 'Fynbos Media' }]);
  });
});

describe('errors leak nothing', () => {
  /** The raw `errors` JSON of a request, so nothing the client parser would drop goes unchecked. */
  async function rawErrors(url: string, body: string, token?: string): Promise<string> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    const text = await response.text();
    let errors: unknown;
    try {
      errors = (JSON.parse(text) as { errors?: unknown }).errors;
    } catch {
      errors = text;
    }
    expect(errors, `${url} ${body}: ${text}`).toBeDefined();
    return JSON.stringify(errors);
  }

  test('no stack trace, SQL, connection string or internal address in any error', async () => {
    const karoo = await token('admin@karoo.example');
    const member = await token('dev@protea.example');
    const forged = await (await createTestAuth()).userToken({ sub: newId(), org: DEMO_ORGS.provider, role: 'OWNER' });
    const q = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
    const cases: [body: string, token?: string][] = [
      [q(ORG, { id: DEMO_ORGS.fynbos }), karoo], // NOT_FOUND
      [q(ORG, { id: 'not-a-uuid' }), karoo], // BAD_USER_INPUT
      [q(CREATE, { input: { kind: 'CUSTOMER', name: 'x', parentId: DEMO_ORGS.protea } }), member], // FORBIDDEN
      [q(CREATE, { input: { kind: 'CUSTOMER', name: 'Protea Logistics', parentId: DEMO_ORGS.karoo } }), karoo], // CONFLICT (unique index)
      [q(CREATE, { input: { kind: 'RESELLER', name: 'x', parentId: DEMO_ORGS.karoo } }), karoo], // BAD_USER_INPUT (tree rule)
      [q('query($a: String) { organizations(first: 5, after: $a) { totalCount } }', { a: Buffer.from('[1]').toString('base64url') }), karoo],
      [q('{ organizations(first: 500) { totalCount } }'), karoo],
      [q(ORG, { id: DEMO_ORGS.protea }), forged], // UNAUTHENTICATED
      [q(ORG, { id: DEMO_ORGS.protea })], // UNAUTHENTICATED (anonymous)
      [q('{ organization(id: 1) { nope } }'), karoo], // validation
      [q('{ organization('), karoo], // parse error
      ['{"query": "{ organizations { totalCount } }", "variables": ', karoo], // malformed JSON body
    ];
    const forbidden = [
      /stack/i,
      /\bselect\s/i,
      /\binsert\s/i,
      /postgres(ql)?:\/\//i,
      /127\.0\.0\.1/,
      /localhost/i,
      /node_modules/,
      /\.ts:\d+/,
      /organizations_sibling_name/,
      /duplicate key/i,
    ];
    for (const url of [p.gatewayUrl, p.urls.tenancy]) {
      for (const [body, caller] of cases) {
        const errors = await rawErrors(url, body, caller);
        for (const pattern of forbidden) expect(errors, `${url} ${body}`).not.toMatch(pattern);
        for (const internal of Object.values(p.urls)) expect(errors).not.toContain(new URL(internal).host);
      }
    }
  });
});
