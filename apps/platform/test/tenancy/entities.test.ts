import { describe, expect } from 'vitest';
import { gql } from '@platform/testkit';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import type { CallingService } from '../../src/start-platform.ts';
import { demoUser } from '../../src/test-platform.ts';
import { createChildren, createOrg, expectError, ok, organizationEntities, PROVIDER_OWNER, statementsDuring, tenancyTest } from './support/fixtures.ts';

const UNKNOWN_ORG = '01935c00-0000-7000-8000-00000000ffff';

interface Reseller {
  readonly resellerId: string;
  readonly childIds: string[];
}

const test = tenancyTest.extend<{ resellers: { big: Reseller; small: Reseller }; serviceToken: (service: string, scopes: string[]) => Promise<string> }>({
  /** 100 and 10 customers under two fresh resellers (only ever read). */
  resellers: [
    async ({ platform, token }, use) => {
      const provider = await token(PROVIDER_OWNER);
      const reseller = async (n: number, prefix: string): Promise<Reseller> => {
        const { id } = await createOrg(platform, provider, 'RESELLER', DEMO_ORGS.provider);
        return { resellerId: id, childIds: await createChildren(platform, provider, id, n, prefix) };
      };
      await use({ big: await reseller(100, 'Big'), small: await reseller(10, 'Small') });
    },
    { scope: 'file' },
  ],
  /** A real service token from identity, the way a subgraph gets one. */
  serviceToken: [
    async ({ platform }, use) =>
      use(async (service, scopes) => {
        const response = await fetch(new URL('/internal/service-token', platform.urls.identity), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.serviceSecrets[service as CallingService]}` },
          body: JSON.stringify({ service, scopes }),
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as { token: string }).token;
      }),
    { scope: 'file' },
  ],
});

const names = (entities: ({ id: string; name: string } | null)[]) => entities.map((e) => e?.name ?? null);

describe('_entities for Organization, straight at the tenancy subgraph', () => {
  test('a caller gets its own organisation and those below it; foreign, higher and unknown ones are null', async ({ platform: p, token }) => {
    const karoo = await token('admin@karoo.example');
    const refs = [DEMO_ORGS.karoo, DEMO_ORGS.protea, DEMO_ORGS.baobab, DEMO_ORGS.fynbos, DEMO_ORGS.atlantic, DEMO_ORGS.provider, UNKNOWN_ORG];
    const r = ok(await organizationEntities(p, refs, karoo));
    expect(names(r._entities)).toEqual(['Karoo Resellers', 'Protea Logistics', 'Baobab Health', null, null, null, null]);
    expect(r._entities[0]).toEqual({ id: DEMO_ORGS.karoo, name: 'Karoo Resellers' });

    const protea = await token('admin@protea.example');
    const customer = ok(await organizationEntities(p, [DEMO_ORGS.protea, DEMO_ORGS.karoo, DEMO_ORGS.baobab, DEMO_ORGS.tableBay], protea));
    expect(names(customer._entities)).toEqual(['Protea Logistics', null, null, null]);
  });

  test('without a token every reference is null, and nothing else is said', async ({ platform: p }) => {
    const r = await organizationEntities(p, [DEMO_ORGS.provider, DEMO_ORGS.protea, UNKNOWN_ORG]);
    expect(r).toEqual({ status: 200, data: { _entities: [null, null, null] } });
  });

  test('a token signed by a key identity never published is UNAUTHENTICATED', async ({ platform: p, token, auth }) => {
    // The file's test keys: real signing keys identity never published.
    const owner = demoUser(PROVIDER_OWNER);
    const forged = await auth.userToken({ sub: owner.id, org: DEMO_ORGS.provider, role: 'OWNER' });
    for (const bad of [forged, `${(await token(PROVIDER_OWNER)).slice(0, -4)}AAAA`, 'not.a.jwt']) {
      const r = await organizationEntities(p, [DEMO_ORGS.provider], bad);
      expect(r.status).toBe(401);
      expect(r.data ?? null).toBeNull();
      expectError(r, 'UNAUTHENTICATED');
    }
  });

  test('malformed ids in representations are null; a service token (no scope names organisations) sees none', async ({ platform: p, token, serviceToken }) => {
    const wallet = await serviceToken('wallet', ['tenancy:read']);
    const ids = [DEMO_ORGS.protea, 'not-a-uuid', DEMO_ORGS.protea.toUpperCase()];
    expect(names(ok(await organizationEntities(p, ids, await token(PROVIDER_OWNER)))._entities)).toEqual(['Protea Logistics', null, 'Protea Logistics']);
    expect(names(ok(await organizationEntities(p, ids, wallet))._entities)).toEqual([null, null, null]);
  });
});

describe('service-only operations', () => {
  const NODES = 'query($ids: [ID!]!) { internalOrganizationNodes(ids: $ids) { id kind ancestors } }';

  test('internalOrganizationNodes refuses user tokens (FORBIDDEN) and answers a service with tenancy:read', async ({ platform: p, token, serviceToken }) => {
    const user = await gql(p.urls.tenancy, NODES, { ids: [DEMO_ORGS.protea] }, { token: await token(PROVIDER_OWNER) });
    expectError(user, 'FORBIDDEN');
    expect(user.data ?? null).toBeNull();

    const r = ok(await gql(p.urls.tenancy, NODES, { ids: [DEMO_ORGS.protea, UNKNOWN_ORG, 'nope'] }, { token: await serviceToken('wallet', ['tenancy:read']) }));
    expect(r).toEqual({ internalOrganizationNodes: [{ id: DEMO_ORGS.protea, kind: 'CUSTOMER', ancestors: [DEMO_ORGS.provider, DEMO_ORGS.karoo] }] });
  });

  test('internalGrantMembership needs tenancy:write, and the gateway does not expose either', async ({ platform: p, token, serviceToken }) => {
    const GRANT = 'mutation($u: ID!, $o: ID!) { internalGrantMembership(userId: $u, organizationId: $o, role: OWNER) }';
    const vars = { u: demoUser('dev@protea.example').id, o: DEMO_ORGS.protea };
    expectError(await gql(p.urls.tenancy, GRANT, vars, { token: await token(PROVIDER_OWNER) }), 'FORBIDDEN');
    expectError(await gql(p.urls.tenancy, GRANT, vars, { token: await serviceToken('wallet', ['tenancy:read']) }), 'FORBIDDEN');
    const viaGateway = await p.gateway(NODES, { ids: [DEMO_ORGS.protea] }, await token(PROVIDER_OWNER));
    expect(viaGateway.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await p.gateway(GRANT, vars, await token(PROVIDER_OWNER))).errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    // dev@protea is still a MEMBER.
    const members = ok(
      await p.gateway<{ organization: { members: { edges: { node: { role: string; user: { id: string } } }[] } } }>(
        'query($id: ID!) { organization(id: $id) { members(first: 100) { edges { node { role user { id } } } } } }',
        { id: DEMO_ORGS.protea },
        await token(PROVIDER_OWNER),
      ),
    );
    expect(members.organization.members.edges.find((e) => e.node.user.id === vars.u)?.node.role).toBe('MEMBER');
  });
});

describe('batching: statements do not grow with the number of references', () => {
  test('_entities for 10 and for 100 organisations costs the same statements', async ({ platform: p, token, resellers }) => {
    const provider = await token(PROVIDER_OWNER);
    const run = async (ids: string[]) => {
      let entities: ({ id: string; name: string } | null)[] = [];
      const statements = await statementsDuring(p.statements.tenancy, async () => {
        entities = ok(await organizationEntities(p, ids, provider))._entities;
      });
      expect(entities.map((e) => e?.id)).toEqual(ids);
      return statements;
    };
    // First sight of these ids (the org directory cache is cold for them), then again (warm).
    const cold10 = await run(resellers.small.childIds);
    const cold100 = await run(resellers.big.childIds);
    expect(cold100.length).toBe(cold10.length);
    expect(cold10.length).toBeLessThanOrEqual(2);
    const warm10 = await run(resellers.small.childIds);
    const warm100 = await run(resellers.big.childIds);
    expect(warm100.length).toBe(warm10.length);
    expect(warm10.length).toBeLessThanOrEqual(cold10.length);
  });

  test('a parent with 10 or with 100 children, each with its own children count, costs the same statements', async ({ platform: p, token, resellers }) => {
    const provider = await token(PROVIDER_OWNER);
    const QUERY = 'query($id: ID!) { organization(id: $id) { children(first: 100) { totalCount edges { node { name children { totalCount } } } } } }';
    type Tree = { organization: { children: { totalCount: number; edges: { node: { name: string; children: { totalCount: number } } }[] } } };
    const run = async (parentId: string, expected: number) => {
      let tree: Tree | undefined;
      const statements = await statementsDuring(p.statements.tenancy, async () => {
        tree = ok(await p.gateway<Tree>(QUERY, { id: parentId }, provider));
      });
      expect(tree!.organization.children.totalCount).toBe(expected);
      expect(tree!.organization.children.edges).toHaveLength(expected);
      expect(tree!.organization.children.edges.every((e) => e.node.children.totalCount === 0)).toBe(true);
      return statements;
    };
    await run(resellers.small.resellerId, 10); // warms the org directory cache for both parents
    await run(resellers.big.resellerId, 100);
    const ten = await run(resellers.small.resellerId, 10);
    const hundred = await run(resellers.big.resellerId, 100);
    expect(hundred.length).toBe(ten.length);
    expect(ten.length).toBeLessThanOrEqual(5);
  });
});
