import { describe, expect } from 'vitest';
import { encodeCursor, type PlatformEvent } from '@platform/kernel';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { demoUser } from '../../src/test-platform.ts';
import {
  createChildren,
  createOrg,
  createOrganizationRequest,
  expectError,
  KAROO_ADMIN,
  ok,
  organizationCount,
  PROVIDER_OWNER,
  tenancyTest,
  uniqueName,
} from './support/fixtures.ts';

const PROVIDER_ADMIN = 'admin@highveld.example';
const PROTEA_ADMIN = 'admin@protea.example';

const test = tenancyTest.extend<{ withoutWrites: <T>(run: () => Promise<T>) => Promise<T> }>({
  /** Runs a request that must fail, and checks the organisation count (as the provider sees it) did not move. */
  withoutWrites: async ({ platform, token }, use) => {
    await use(async (run) => {
      const provider = await token(PROVIDER_OWNER);
      const before = await organizationCount(platform, provider);
      const result = await run();
      expect(await organizationCount(platform, provider)).toBe(before);
      return result;
    });
  },
});

const UPDATE = 'mutation($id: ID!, $input: UpdateOrganizationInput!) { updateOrganization(id: $id, input: $input) { id name status } }';
const ORG = 'query($id: ID!) { organization(id: $id) { id name kind status parent { id } } }';

describe('createOrganization', () => {
  test('the provider admin creates a reseller under the provider', async ({ platform: p, token }) => {
    const provider = await token(PROVIDER_OWNER);
    const before = await organizationCount(p, provider);
    const name = uniqueName('Reseller');
    const org = await createOrg(p, provider, 'RESELLER', DEMO_ORGS.provider, name);
    expect(org).toMatchObject({ kind: 'RESELLER', name, status: 'ACTIVE', parent: { id: DEMO_ORGS.provider } });
    expect(await organizationCount(p, provider)).toBe(before + 1);
    expect(ok(await p.gateway(ORG, { id: org.id }, provider)).organization).toEqual({ ...org });
  });

  test('a reseller admin creates a customer under its reseller, and sees it among its children', async ({ platform: p, token }) => {
    const karoo = await token(KAROO_ADMIN);
    const org = await createOrg(p, karoo, 'CUSTOMER', DEMO_ORGS.karoo);
    expect(org).toMatchObject({ kind: 'CUSTOMER', status: 'ACTIVE', parent: { id: DEMO_ORGS.karoo } });
    const r = ok(
      await p.gateway<{ organization: { children: { edges: { node: { id: string } }[] } } }>(
        'query($id: ID!) { organization(id: $id) { children(first: 100) { edges { node { id } } } } }',
        { id: DEMO_ORGS.karoo },
        karoo,
      ),
    );
    expect(r.organization.children.edges.map((e) => e.node.id)).toContain(org.id);
  });

  test('a customer may sit directly under the provider', async ({ platform: p, token }) => {
    const org = await createOrg(p, await token(PROVIDER_ADMIN), 'CUSTOMER', DEMO_ORGS.provider);
    expect(org).toMatchObject({ kind: 'CUSTOMER', parent: { id: DEMO_ORGS.provider } });
  });

  test('kind PROVIDER is refused, naming input.kind', async ({ platform: p, token, withoutWrites }) => {
    const provider = await token(PROVIDER_OWNER);
    const r = await withoutWrites(() => createOrganizationRequest(p, provider, { kind: 'PROVIDER', name: uniqueName('Second'), parentId: DEMO_ORGS.provider }));
    expectError(r, 'BAD_USER_INPUT', 'input.kind');
  });

  test('a reseller under a reseller, or anything under a customer, is refused naming input.parentId', async ({ platform: p, token, withoutWrites }) => {
    const provider = await token(PROVIDER_OWNER);
    const cases = [
      { kind: 'RESELLER', parentId: DEMO_ORGS.karoo },
      { kind: 'CUSTOMER', parentId: DEMO_ORGS.protea },
      { kind: 'RESELLER', parentId: DEMO_ORGS.tableBay },
    ];
    for (const c of cases) {
      const r = await withoutWrites(() => createOrganizationRequest(p, provider, { ...c, name: uniqueName('Nested') }));
      expectError(r, 'BAD_USER_INPUT', 'input.parentId');
    }
  });

  test('an unknown parent and a parent in another tenant are the same NOT_FOUND', async ({ platform: p, token, withoutWrites }) => {
    const karoo = await token(KAROO_ADMIN);
    const create = (parentId: string) => withoutWrites(() => createOrganizationRequest(p, karoo, { kind: 'CUSTOMER', name: 'Sneaky', parentId }));
    const unknown = expectError(await create('01935c00-0000-7000-8000-00000000ffff'), 'NOT_FOUND');
    const foreign = expectError(await create(DEMO_ORGS.atlantic), 'NOT_FOUND');
    const foreignCustomer = expectError(await create(DEMO_ORGS.fynbos), 'NOT_FOUND');
    const above = expectError(await create(DEMO_ORGS.provider), 'NOT_FOUND');
    // Indistinguishable: same message, same extensions, whatever the parent really is.
    for (const e of [foreign, foreignCustomer, above])
      expect({ message: e.message, extensions: e.extensions }).toEqual({ message: unknown.message, extensions: unknown.extensions });
  });

  test('a malformed parent id is bad input naming input.parentId', async ({ platform: p, token, withoutWrites }) => {
    const provider = await token(PROVIDER_OWNER);
    const r = await withoutWrites(() => createOrganizationRequest(p, provider, { kind: 'CUSTOMER', name: uniqueName('X'), parentId: 'not-a-uuid' }));
    expectError(r, 'BAD_USER_INPUT', 'input.parentId');
  });

  test('MEMBER, VIEWER and BILLING callers are FORBIDDEN', async ({ platform: p, token, withoutWrites }) => {
    // A MEMBER of a reseller (so the only thing wrong is the role): dev@protea joins a fresh reseller.
    const provider = await token(PROVIDER_OWNER);
    const reseller = await createOrg(p, provider, 'RESELLER', DEMO_ORGS.provider);
    const dev = demoUser('dev@protea.example').id;
    ok(await p.gateway('mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u, role: MEMBER) { id } }', { o: reseller.id, u: dev }, provider));
    const cases: [caller: string, parentId: string][] = [
      [await token('dev@protea.example', reseller.id), reseller.id],
      [await token('viewer@protea.example'), DEMO_ORGS.protea],
      [await token('dev@protea.example'), DEMO_ORGS.protea],
      [await token('billing@highveld.example'), DEMO_ORGS.provider],
    ];
    for (const [caller, parentId] of cases) {
      const r = await withoutWrites(() => createOrganizationRequest(p, caller, { kind: 'CUSTOMER', name: uniqueName('Denied'), parentId }));
      expectError(r, 'FORBIDDEN');
    }
  });

  test('a name must be 1 to 120 characters after trimming, naming input.name', async ({ platform: p, token, withoutWrites }) => {
    const provider = await token(PROVIDER_OWNER);
    for (const name of ['', '    ', 'x'.repeat(121), `bad\u0007name`]) {
      const r = await withoutWrites(() => createOrganizationRequest(p, provider, { kind: 'CUSTOMER', name, parentId: DEMO_ORGS.provider }));
      expectError(r, 'BAD_USER_INPUT', 'input.name');
    }
    const long = uniqueName('Long').padEnd(120, 'x');
    expect((await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider, long)).name).toBe(long);
    const spaced = uniqueName('Spaced');
    expect((await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider, `  ${spaced.replace(' ', '   ')}\t`)).name).toBe(spaced);
  });

  test('a sibling with the same name, in any case or spacing, is a CONFLICT; a cousin with that name is fine', async ({
    platform: p,
    token,
    withoutWrites,
  }) => {
    const karoo = await token(KAROO_ADMIN);
    for (const name of ['Protea Logistics', 'PROTEA LOGISTICS', '  protea   logistics ']) {
      const r = await withoutWrites(() => createOrganizationRequest(p, karoo, { kind: 'CUSTOMER', name, parentId: DEMO_ORGS.karoo }));
      expectError(r, 'CONFLICT', 'input.name');
    }
    const cousin = await createOrg(p, await token('admin@atlantic.example'), 'CUSTOMER', DEMO_ORGS.atlantic, 'protea logistics');
    expect(cousin.name).toBe('protea logistics');
  });

  test('nothing can be created under a SUSPENDED parent (INVALID_STATE)', async ({ platform: p, token, withoutWrites }) => {
    const provider = await token(PROVIDER_OWNER);
    const reseller = await createOrg(p, provider, 'RESELLER', DEMO_ORGS.provider);
    ok(await p.gateway(UPDATE, { id: reseller.id, input: { status: 'SUSPENDED' } }, provider));
    const r = await withoutWrites(() => createOrganizationRequest(p, provider, { kind: 'CUSTOMER', name: uniqueName('Orphan'), parentId: reseller.id }));
    expectError(r, 'INVALID_STATE');
    ok(await p.gateway(UPDATE, { id: reseller.id, input: { status: 'ACTIVE' } }, provider));
    await createOrg(p, provider, 'CUSTOMER', reseller.id);
  });

  test('tenancy.organization.created is relayed to the event bus with the new organisation', async ({ platform: p, token }) => {
    const events: PlatformEvent[] = [];
    const consumer = p.eventBus.register({
      name: 'test.organization-created',
      topics: ['tenancy.organization.created'],
      handle: async (event) => void events.push(event),
    });
    try {
      const org = await createOrg(p, await token(KAROO_ADMIN), 'CUSTOMER', DEMO_ORGS.karoo);
      await expect.poll(() => events.find((e) => (e.payload as { organizationId?: string }).organizationId === org.id), { timeout: 5_000 }).toBeDefined();
      const event = events.find((e) => (e.payload as { organizationId?: string }).organizationId === org.id)!;
      expect(event.topic).toBe('tenancy.organization.created');
      expect(event.payload).toEqual({ organizationId: org.id, kind: 'CUSTOMER', parentId: DEMO_ORGS.karoo });
      expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
    } finally {
      await consumer.stop();
    }
  });
});

describe('updateOrganization', () => {
  test('its own admin renames it; a sibling name is a CONFLICT that changes nothing', async ({ platform: p, token }) => {
    const protea = await token(PROTEA_ADMIN);
    const renamed = uniqueName('Protea Logistics');
    try {
      expect(ok(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: renamed } }, protea)).updateOrganization).toEqual({
        id: DEMO_ORGS.protea,
        name: renamed,
        status: 'ACTIVE',
      });
      expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: 'baobab HEALTH' } }, protea), 'CONFLICT', 'input.name');
      expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.protea }, protea)).organization.name).toBe(renamed);
      expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: ' ' } }, protea), 'BAD_USER_INPUT', 'input.name');
      expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: {} }, protea), 'BAD_USER_INPUT', 'input');
    } finally {
      await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: 'Protea Logistics' } }, protea);
    }
  });

  test('a MEMBER cannot rename, and nobody can touch an organisation they cannot see', async ({ platform: p, token }) => {
    expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { name: 'Hijacked' } }, await token('dev@protea.example')), 'FORBIDDEN');
    expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.fynbos, input: { name: 'Hijacked' } }, await token(KAROO_ADMIN)), 'NOT_FOUND');
    expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.karoo, input: { name: 'Hijacked' } }, await token(PROTEA_ADMIN)), 'NOT_FOUND');
    const provider = await token(PROVIDER_OWNER);
    expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.protea }, provider)).organization.name).toBe('Protea Logistics');
    expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.fynbos }, provider)).organization.name).toBe('Fynbos Media');
  });

  test("the parent's admin changes the status; the organisation's own admin may not", async ({ platform: p, token }) => {
    const karoo = await token(KAROO_ADMIN);
    const customer = await createOrg(p, karoo, 'CUSTOMER', DEMO_ORGS.karoo);
    expect(ok(await p.gateway(UPDATE, { id: customer.id, input: { status: 'SUSPENDED' } }, karoo)).updateOrganization.status).toBe('SUSPENDED');
    expect(ok(await p.gateway(UPDATE, { id: customer.id, input: { status: 'ACTIVE' } }, karoo)).updateOrganization.status).toBe('ACTIVE');

    expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.protea, input: { status: 'SUSPENDED' } }, await token(PROTEA_ADMIN)), 'FORBIDDEN');
    expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.karoo, input: { status: 'SUSPENDED' } }, karoo), 'FORBIDDEN');
    const provider = await token(PROVIDER_OWNER);
    for (const id of [DEMO_ORGS.protea, DEMO_ORGS.karoo]) expect(ok(await p.gateway(ORG, { id }, provider)).organization.status).toBe('ACTIVE');
  });

  test('the provider cannot be suspended', async ({ platform: p, token }) => {
    const provider = await token(PROVIDER_OWNER);
    expectError(await p.gateway(UPDATE, { id: DEMO_ORGS.provider, input: { status: 'SUSPENDED' } }, provider), 'BAD_USER_INPUT', 'input.status');
    expect(ok(await p.gateway(ORG, { id: DEMO_ORGS.provider }, provider)).organization.status).toBe('ACTIVE');
  });
});

describe('organizations', () => {
  const LIST = 'query($filter: OrganizationFilter) { organizations(first: 100, filter: $filter) { totalCount edges { node { name kind } } } }';
  type List = { organizations: { totalCount: number; edges: { node: { name: string; kind: string } }[] } };

  test('filters by kind and by a literal, case-insensitive piece of the name', async ({ platform: p, token }) => {
    const provider = await token(PROVIDER_OWNER);
    const resellers = ok(await p.gateway<List>(LIST, { filter: { kind: 'RESELLER' } }, provider)).organizations;
    expect(resellers.edges.every((e) => e.node.kind === 'RESELLER')).toBe(true);
    expect(resellers.edges.map((e) => e.node.name)).toEqual(expect.arrayContaining(['Atlantic IT Partners', 'Karoo Resellers', 'Lowveld Digital']));

    const tag = uniqueName('Sale').split(' ')[1]!;
    const named = await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider, `Sale 100%_Off ${tag}`);
    await createOrg(p, provider, 'CUSTOMER', DEMO_ORGS.provider, `Sale 1000 Off ${tag}`);
    const found = ok(await p.gateway<List>(LIST, { filter: { search: `100%_OFF ${tag.toUpperCase()}` } }, provider)).organizations;
    expect(found).toEqual({ totalCount: 1, edges: [{ node: { name: named.name, kind: 'CUSTOMER' } }] });
    // A reseller's search stays inside its subtree.
    expect(ok(await p.gateway<List>(LIST, { filter: { search: tag } }, await token(KAROO_ADMIN))).organizations.totalCount).toBe(0);
    // A NUL cannot reach PostgreSQL text: bad input naming the argument, not an internal error.
    expectError(await p.gateway(LIST, { filter: { search: 'a\u0000b' } }, provider), 'BAD_USER_INPUT', 'filter.search');
  });
});

describe('pagination', () => {
  const CHILDREN = `query($id: ID!, $first: Int, $after: String) {
    organization(id: $id) { children(first: $first, after: $after) { totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }
  }`;
  type ChildrenPage = {
    organization: {
      children: { totalCount: number; edges: { cursor: string; node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
  };

  test('children page by name with first/after until hasNextPage is false', async ({ platform: p, token }) => {
    const provider = await token(PROVIDER_OWNER);
    const reseller = await createOrg(p, provider, 'RESELLER', DEMO_ORGS.provider);
    await createChildren(p, provider, reseller.id, 5, 'Page');
    const names: string[] = [];
    const pages: boolean[] = [];
    let after: string | null = null;
    do {
      const page: ChildrenPage['organization']['children'] = ok(await p.gateway<ChildrenPage>(CHILDREN, { id: reseller.id, first: 2, after }, provider))
        .organization.children;
      expect(page.totalCount).toBe(5);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      names.push(...page.edges.map((e) => e.node.name));
      pages.push(page.pageInfo.hasNextPage);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(names).toEqual(['Page 000', 'Page 001', 'Page 002', 'Page 003', 'Page 004']);
    expect(pages).toEqual([true, true, false]);
    const empty = ok(
      await p.gateway<ChildrenPage>(
        CHILDREN,
        { id: reseller.id, first: 5, after: encodeCursor(['Page 004', 'ffffffff-ffff-7fff-bfff-ffffffffffff']) },
        provider,
      ),
    );
    expect(empty.organization.children).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  test('first must be 1 to 100, naming first', async ({ platform: p, token }) => {
    const provider = await token(PROVIDER_OWNER);
    for (const first of [0, -1, 101]) {
      expectError(await p.gateway(CHILDREN, { id: DEMO_ORGS.provider, first }, provider), 'BAD_USER_INPUT', 'first');
      expectError(await p.gateway('query($first: Int) { organizations(first: $first) { totalCount } }', { first }, provider), 'BAD_USER_INPUT', 'first');
    }
    expect(
      ok(await p.gateway<ChildrenPage>(CHILDREN, { id: DEMO_ORGS.provider, first: 100 }, provider)).organization.children.totalCount,
    ).toBeGreaterThanOrEqual(4);
  });

  test('a cursor this API did not give out is bad input naming after', async ({ platform: p, token }) => {
    const provider = await token(PROVIDER_OWNER);
    const forged = ['%%%', encodeCursor({ name: 'x' }), encodeCursor([1]), encodeCursor(['Karoo', 'not-a-uuid']), encodeCursor(['a', 'b', 'c'])];
    for (const after of forged) {
      expectError(await p.gateway(CHILDREN, { id: DEMO_ORGS.provider, first: 2, after }, provider), 'BAD_USER_INPUT', 'after');
      expectError(
        await p.gateway('query($after: String) { organizations(first: 2, after: $after) { totalCount } }', { after }, provider),
        'BAD_USER_INPUT',
        'after',
      );
    }
  });
});
