import { describe, expect } from 'vitest';
import { encodeCursor, newId } from '@platform/kernel';
import type { GraphQLResponse } from '@platform/testkit';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { demoUser } from '../../src/test-platform.ts';
import { createOrg, expectError, KAROO_ADMIN, ok, PROVIDER_OWNER, tenancyTest, uniqueName } from './support/fixtures.ts';

const ADD = 'mutation($o: ID!, $u: ID!, $r: Role!) { addMember(organizationId: $o, userId: $u, role: $r) { id role user { id } organization { id } } }';
const CHANGE = 'mutation($o: ID!, $u: ID!, $r: Role!) { changeMemberRole(organizationId: $o, userId: $u, role: $r) { id role } }';
const REMOVE = 'mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }';

type MembersPage = {
  organization: {
    members: { totalCount: number; edges: { node: { role: string; user: { id: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };
};
const MEMBERS = `query($id: ID!, $first: Int, $after: String) {
  organization(id: $id) { members(first: $first, after: $after) { totalCount edges { node { role user { id } } } pageInfo { hasNextPage endCursor } } }
}`;

interface MemberFixtures {
  add: (caller: string, organizationId: string, userId: string, role: string) => Promise<GraphQLResponse<{ addMember: { id: string; role: string } }>>;
  change: (
    caller: string,
    organizationId: string,
    userId: string,
    role: string,
  ) => Promise<GraphQLResponse<{ changeMemberRole: { id: string; role: string } }>>;
  remove: (caller: string, organizationId: string, userId: string) => Promise<GraphQLResponse<{ removeMember: string }>>;
  /** userId → role, as the provider sees the organisation's members. */
  rolesIn: (organizationId: string) => Promise<Record<string, string>>;
  /** A new real user (created through identity), a VIEWER of a pool customer under karoo, so karoo's admins and the provider can see it and add it elsewhere. */
  newUser: () => Promise<string>;
  /** A fresh customer under karoo whose only OWNER is a new user, added by the provider owner. */
  freshCustomer: () => Promise<{ orgId: string; ownerId: string }>;
}

const test = tenancyTest.extend<MemberFixtures>({
  add: [async ({ platform }, use) => use((caller, o, u, r) => platform.gateway(ADD, { o, u, r }, caller)), { scope: 'file' }],
  change: [async ({ platform }, use) => use((caller, o, u, r) => platform.gateway(CHANGE, { o, u, r }, caller)), { scope: 'file' }],
  remove: [async ({ platform }, use) => use((caller, o, u) => platform.gateway(REMOVE, { o, u }, caller)), { scope: 'file' }],
  rolesIn: [
    async ({ platform, token }, use) =>
      use(async (organizationId) => {
        const r = ok(await platform.gateway<MembersPage>(MEMBERS, { id: organizationId, first: 100 }, await token(PROVIDER_OWNER)));
        expect(r.organization.members.totalCount).toBe(r.organization.members.edges.length);
        return Object.fromEntries(r.organization.members.edges.map((e) => [e.node.user.id, e.node.role]));
      }),
    { scope: 'file' },
  ],
  newUser: [
    async ({ platform, token }, use) => {
      let userPool: Promise<string> | undefined;
      await use(async () => {
        const provider = await token(PROVIDER_OWNER);
        userPool ??= createOrg(platform, provider, 'CUSTOMER', DEMO_ORGS.karoo, uniqueName('User pool')).then((o) => o.id);
        const input = {
          email: `${uniqueName('user').replace(' ', '.')}@pool.example`,
          password: 'pool-user-password',
          displayName: 'Pool user',
          organizationId: await userPool,
          role: 'VIEWER',
        };
        const created = await platform.gateway<{ createUser: { id: string } }>(
          'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
          { i: input },
          provider,
        );
        return ok(created).createUser.id;
      });
    },
    { scope: 'file' },
  ],
  freshCustomer: [
    async ({ platform, token, add, newUser }, use) =>
      use(async () => {
        const provider = await token(PROVIDER_OWNER);
        const org = await createOrg(platform, provider, 'CUSTOMER', DEMO_ORGS.karoo);
        const ownerId = await newUser();
        ok(await add(provider, org.id, ownerId, 'OWNER'));
        return { orgId: org.id, ownerId };
      }),
    { scope: 'file' },
  ],
});

describe('addMember', () => {
  test('an admin adds a user from another organisation, who can then act in it', async ({ platform: p, token, add, rolesIn, freshCustomer }) => {
    const karoo = await token(KAROO_ADMIN);
    const { orgId, ownerId } = await freshCustomer();
    const baobabAdmin = demoUser('admin@baobab.example');
    const membership = ok(await add(karoo, orgId, baobabAdmin.id, 'ADMIN')).addMember;
    expect(membership).toMatchObject({ role: 'ADMIN', user: { id: baobabAdmin.id }, organization: { id: orgId } });
    expect(await rolesIn(orgId)).toEqual({ [ownerId]: 'OWNER', [baobabAdmin.id]: 'ADMIN' });

    // The membership is real: identity issues a token acting in the new organisation, and it works there.
    const acting = await p.login(baobabAdmin.email, orgId);
    const r = ok(await p.gateway<{ organization: { id: string } }>('query($id: ID!) { organization(id: $id) { id } }', { id: orgId }, acting));
    expect(r.organization.id).toBe(orgId);
  });

  test('a user the caller cannot see (or that does not exist) cannot be added: adding would reveal them', async ({ token, add, rolesIn }) => {
    const protea = await token('admin@protea.example');
    const before = await rolesIn(DEMO_ORGS.protea);
    expectError(await add(protea, DEMO_ORGS.protea, demoUser('admin@baobab.example').id, 'VIEWER'), 'NOT_FOUND', 'userId');
    expectError(await add(protea, DEMO_ORGS.protea, newId(), 'VIEWER'), 'NOT_FOUND', 'userId');
    expect(await rolesIn(DEMO_ORGS.protea)).toEqual(before);
  });

  test('nobody grants a role above their own: an ADMIN cannot make an OWNER', async ({ token, add, change, rolesIn, newUser, freshCustomer }) => {
    const karoo = await token(KAROO_ADMIN);
    const { orgId, ownerId } = await freshCustomer();
    const before = await rolesIn(orgId);
    expectError(await add(karoo, orgId, newId(), 'OWNER'), 'FORBIDDEN');
    const member = await newUser();
    ok(await add(karoo, orgId, member, 'MEMBER'));
    expectError(await change(karoo, orgId, member, 'OWNER'), 'FORBIDDEN');
    expect(await rolesIn(orgId)).toEqual({ ...before, [member]: 'MEMBER', [ownerId]: 'OWNER' });
  });

  test('MEMBER, VIEWER and BILLING callers cannot manage members', async ({ token, add, change, remove, rolesIn }) => {
    const cases: [email: string, org: string][] = [
      ['dev@protea.example', DEMO_ORGS.protea],
      ['viewer@protea.example', DEMO_ORGS.protea],
      ['billing@highveld.example', DEMO_ORGS.provider],
    ];
    for (const [email, org] of cases) {
      const before = await rolesIn(org);
      const caller = await token(email);
      expectError(await add(caller, org, newId(), 'VIEWER'), 'FORBIDDEN');
      expectError(await change(caller, org, demoUser('viewer@protea.example').id, 'MEMBER'), 'FORBIDDEN');
      expectError(await remove(caller, org, demoUser('viewer@protea.example').id), 'FORBIDDEN');
      expect(await rolesIn(org)).toEqual(before);
    }
  });

  test('the same user twice is a CONFLICT naming userId, whatever the role', async ({ token, add, rolesIn, newUser, freshCustomer }) => {
    const karoo = await token(KAROO_ADMIN);
    const { orgId, ownerId } = await freshCustomer();
    const user = await newUser();
    ok(await add(karoo, orgId, user, 'VIEWER'));
    for (const role of ['VIEWER', 'MEMBER']) expectError(await add(karoo, orgId, user, role), 'CONFLICT', 'userId');
    expectError(await add(karoo, orgId, ownerId, 'ADMIN'), 'CONFLICT', 'userId');
    expect(await rolesIn(orgId)).toEqual({ [ownerId]: 'OWNER', [user]: 'VIEWER' });
  });

  test('bad ids name their field; foreign organisations and non-members are NOT_FOUND', async ({ token, add, change, remove, rolesIn, freshCustomer }) => {
    const karoo = await token(KAROO_ADMIN);
    const { orgId, ownerId } = await freshCustomer();
    expectError(await add(karoo, 'nope', newId(), 'MEMBER'), 'BAD_USER_INPUT', 'organizationId');
    expectError(await add(karoo, orgId, 'nope', 'MEMBER'), 'BAD_USER_INPUT', 'userId');
    expectError(await change(karoo, orgId, 'nope', 'MEMBER'), 'BAD_USER_INPUT', 'userId');
    expectError(await remove(karoo, orgId, 'nope'), 'BAD_USER_INPUT', 'userId');
    expectError(await add(karoo, DEMO_ORGS.fynbos, newId(), 'MEMBER'), 'NOT_FOUND');
    expectError(await remove(karoo, DEMO_ORGS.fynbos, demoUser('admin@fynbos.example').id), 'NOT_FOUND');
    expectError(await change(karoo, orgId, newId(), 'MEMBER'), 'NOT_FOUND', 'userId');
    expectError(await remove(karoo, orgId, newId()), 'NOT_FOUND', 'userId');
    expect(await rolesIn(orgId)).toEqual({ [ownerId]: 'OWNER' });
    expect(await rolesIn(DEMO_ORGS.fynbos)).toEqual({ [demoUser('admin@fynbos.example').id]: 'OWNER' });
  });
});

describe('changeMemberRole and removeMember', () => {
  test('an ADMIN can neither demote nor remove an OWNER', async ({ token, add, change, remove, rolesIn, newUser, freshCustomer }) => {
    const karoo = await token(KAROO_ADMIN);
    const { orgId, ownerId } = await freshCustomer();
    const second = await newUser();
    ok(await add(await token(PROVIDER_OWNER), orgId, second, 'OWNER'));
    expectError(await change(karoo, orgId, ownerId, 'MEMBER'), 'FORBIDDEN');
    expectError(await remove(karoo, orgId, ownerId), 'FORBIDDEN');
    expect(await rolesIn(orgId)).toEqual({ [ownerId]: 'OWNER', [second]: 'OWNER' });
  });

  test('an ADMIN changes and removes members at or below its own role', async ({ token, add, change, remove, rolesIn, newUser, freshCustomer }) => {
    const karoo = await token(KAROO_ADMIN);
    const { orgId, ownerId } = await freshCustomer();
    const user = await newUser();
    const added = ok(await add(karoo, orgId, user, 'VIEWER')).addMember;
    expect(ok(await change(karoo, orgId, user, 'ADMIN')).changeMemberRole).toEqual({ id: added.id, role: 'ADMIN' });
    expect(ok(await change(karoo, orgId, user, 'BILLING')).changeMemberRole.role).toBe('BILLING');
    expect(ok(await remove(karoo, orgId, user)).removeMember).toBe(added.id);
    expect(await rolesIn(orgId)).toEqual({ [ownerId]: 'OWNER' });
  });

  test('the last OWNER can be neither demoted nor removed (INVALID_STATE), even by itself', async ({
    token,
    add,
    change,
    remove,
    rolesIn,
    newUser,
    freshCustomer,
  }) => {
    const provider = await token(PROVIDER_OWNER);
    const { orgId, ownerId } = await freshCustomer();
    expectError(await change(provider, orgId, ownerId, 'ADMIN'), 'INVALID_STATE');
    expectError(await remove(provider, orgId, ownerId), 'INVALID_STATE');
    expect(await rolesIn(orgId)).toEqual({ [ownerId]: 'OWNER' });

    const fynbosOwner = demoUser('admin@fynbos.example');
    const self = await token(fynbosOwner.email);
    expectError(await change(self, DEMO_ORGS.fynbos, fynbosOwner.id, 'ADMIN'), 'INVALID_STATE');
    expectError(await remove(self, DEMO_ORGS.fynbos, fynbosOwner.id), 'INVALID_STATE');
    expect(await rolesIn(DEMO_ORGS.fynbos)).toEqual({ [fynbosOwner.id]: 'OWNER' });

    // With a second OWNER the first may step down.
    const second = await newUser();
    ok(await add(provider, orgId, second, 'OWNER'));
    expect(ok(await change(provider, orgId, ownerId, 'ADMIN')).changeMemberRole.role).toBe('ADMIN');
    expectError(await change(provider, orgId, second, 'MEMBER'), 'INVALID_STATE');
    expect(await rolesIn(orgId)).toEqual({ [ownerId]: 'ADMIN', [second]: 'OWNER' });
  });

  test('two OWNERs removed at the same moment: exactly one goes, one OWNER remains', async ({ token, add, remove, rolesIn, newUser, freshCustomer }) => {
    const provider = await token(PROVIDER_OWNER);
    for (let round = 0; round < 3; round++) {
      const { orgId, ownerId } = await freshCustomer();
      const second = await newUser();
      ok(await add(provider, orgId, second, 'OWNER'));
      const results = await Promise.all([remove(provider, orgId, ownerId), remove(provider, orgId, second)]);
      const succeeded = results.filter((r) => !r.errors);
      const failed = results.filter((r) => r.errors);
      expect(succeeded).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expectError(failed[0]!, 'INVALID_STATE');
      const roles = await rolesIn(orgId);
      expect(Object.values(roles)).toEqual(['OWNER']);
    }
  });

  test('demoting two OWNERs at the same moment also leaves one', async ({ token, add, change, rolesIn, newUser, freshCustomer }) => {
    const provider = await token(PROVIDER_OWNER);
    const { orgId, ownerId } = await freshCustomer();
    const second = await newUser();
    ok(await add(provider, orgId, second, 'OWNER'));
    const results = await Promise.all([change(provider, orgId, ownerId, 'MEMBER'), change(provider, orgId, second, 'MEMBER')]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expectError(
      results.find((r) => r.errors)!,
      'INVALID_STATE',
    );
    expect(Object.values(await rolesIn(orgId)).sort()).toEqual(['MEMBER', 'OWNER']);
  });
});

describe('reading memberships', () => {
  test('members page through first/after without repeating or skipping anyone', async ({ platform: p, token }) => {
    // Protea's three members were seeded in one transaction, so they share one created_at.
    const provider = await token(PROVIDER_OWNER);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: MembersPage['organization']['members'] = ok(await p.gateway<MembersPage>(MEMBERS, { id: DEMO_ORGS.protea, first: 1, after }, provider))
        .organization.members;
      seen.push(...page.edges.map((e) => e.node.user.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const expected = ['admin@protea.example', 'dev@protea.example', 'viewer@protea.example'].map((e) => demoUser(e).id);
    expect([...seen].sort()).toEqual([...expected].sort());
  });

  test('a member cursor this API did not give out is bad input naming after', async ({ platform: p, token }) => {
    const provider = await token(PROVIDER_OWNER);
    const forged = [encodeCursor(['yesterday', newId()]), encodeCursor([new Date().toISOString(), 'x']), encodeCursor([1, 2]), encodeCursor('x')];
    for (const after of forged) expectError(await p.gateway(MEMBERS, { id: DEMO_ORGS.protea, first: 1, after }, provider), 'BAD_USER_INPUT', 'after');
  });

  test('User.memberships shows another caller only the organisations it may see', async ({ platform: p, token, add }) => {
    const provider = await token(PROVIDER_OWNER);
    const fynbosOwner = demoUser('admin@fynbos.example');
    const karooCustomer = await createOrg(p, await token(KAROO_ADMIN), 'CUSTOMER', DEMO_ORGS.karoo);
    ok(await add(provider, karooCustomer.id, fynbosOwner.id, 'VIEWER'));

    const USER = 'query($id: ID!) { user(id: $id) { id email memberships { role organization { id } } } }';
    const orgsSeenBy = async (caller: string) => {
      const r = ok(await p.gateway<{ user: { memberships: { role: string; organization: { id: string } }[] } }>(USER, { id: fynbosOwner.id }, caller));
      return r.user.memberships.map((m) => `${m.organization.id}:${m.role}`).sort();
    };
    const both = [`${DEMO_ORGS.fynbos}:OWNER`, `${karooCustomer.id}:VIEWER`].sort();
    expect(await orgsSeenBy(provider)).toEqual(both);
    expect(await orgsSeenBy(await token(KAROO_ADMIN))).toEqual([`${karooCustomer.id}:VIEWER`]);
    expect(await orgsSeenBy(await token('admin@atlantic.example'))).toEqual([`${DEMO_ORGS.fynbos}:OWNER`]);
    // The user themself sees every membership.
    const me = ok(
      await p.gateway<{ me: { memberships: { organization: { id: string } }[] } }>(
        '{ me { memberships { organization { id } } } }',
        {},
        await token(fynbosOwner.email),
      ),
    );
    expect(me.me.memberships.map((m) => m.organization.id).sort()).toEqual([DEMO_ORGS.fynbos, karooCustomer.id].sort());
    // A caller who sees none of them cannot see the user at all.
    expectError(await p.gateway(USER, { id: fynbosOwner.id }, await token('admin@protea.example')), 'NOT_FOUND');
  });
});
