import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codesOf, gql } from '@platform/testkit';
import { DEMO_ORGS, DEMO_PASSWORD } from '../../src/demo-data.ts';
import { demoUser, startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { createKey, CREATE_KEY, exchange, KEYS_OF, ok, ORG, REVOKE_KEY, visibleOrgIds, within, withKey } from './support.ts';

// Issue 13 item 1: API keys in identity, exchanged by the gateway (or by any caller at identity's
// /api-keys/token) for short-lived api_key tokens. The gateway's key cache is 1 s here, so revocation
// shows quickly; by default it is 30 s (always under a minute).
let p: TestPlatform;
const tokens = new Map<string, Promise<string>>();
const as = (email: string): Promise<string> => {
  if (!tokens.has(email)) tokens.set(email, p.login(email));
  return tokens.get(email)!;
};
const keyRows = async () =>
  Number(
    (
      await p.identity.db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  p = await startTestPlatform({ gatewayEnv: { API_KEY_CACHE_SECONDS: '1' }, identityEnv: { API_KEY_OWNER_SWEEP_MS: '500' } });
});
afterAll(() => p?.close());

describe('createApiKey', () => {
  test('answers the secret once; only its SHA-256 and a non-secret prefix are stored', async () => {
    const admin = await as('admin@protea.example');
    const r = await p.gateway(
      CREATE_KEY,
      {
        i: {
          organizationId: DEMO_ORGS.protea,
          name: '  CI  deploys ',
          role: 'MEMBER',
          scopes: ['VMS_READ', 'VMS_WRITE', 'VMS_READ'],
          expiresAt: '2027-06-01T00:00:00.000Z',
        },
      },
      admin,
    );
    const { secret, apiKey } = ok(r).createApiKey;
    expect(secret).toMatch(/^cdp_live_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({
      name: 'CI deploys',
      prefix: secret.slice(0, 'cdp_live_'.length + 12),
      role: 'MEMBER',
      scopes: ['VMS_READ', 'VMS_WRITE'],
      expiresAt: '2027-06-01T00:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
      rateLimit: null,
      organization: { id: DEMO_ORGS.protea },
      owner: { id: demoUser('admin@protea.example').id },
    });
    const row = await p.identity.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    expect(row.secret_hash.toString('hex')).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(row.prefix).toBe(apiKey.prefix);
    expect(row.scopes).toEqual(['vms:read', 'vms:write']);
    // The random part is base64url, which may itself hold '_': everything after the prefix and its separator.
    const secretPart = secret.slice(apiKey.prefix.length + 1);
    expect(secretPart).toHaveLength(43);
    expect(JSON.stringify(row)).not.toContain(secretPart);
    // Never again: not in a listing, and the type has no field for it.
    const listed = await p.gateway(KEYS_OF, { id: DEMO_ORGS.protea, rev: true }, admin);
    expect(JSON.stringify(listed)).not.toContain(secretPart);
    expect(ok(listed).organization.apiKeys.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(apiKey.id);
    const asked = await p.gateway(`query($id: ID!) { organization(id: $id) { apiKeys { edges { node { secret } } } } }`, { id: DEMO_ORGS.protea }, admin);
    expect(codesOf(asked)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  test('a reseller admin creates a key for a customer below it; several live keys per organisation', async () => {
    const karoo = await as('admin@karoo.example');
    const first = await createKey(p, karoo, { organizationId: DEMO_ORGS.baobab, role: 'ADMIN', scopes: ['BILLING_WRITE', 'VMS_WRITE', 'ORGANIZATIONS_READ'] });
    const second = await createKey(p, karoo, { organizationId: DEMO_ORGS.baobab });
    expect(first.apiKey.role).toBe('ADMIN');
    expect(first.secret).not.toBe(second.secret);
    expect(await visibleOrgIds(p, first.secret)).toEqual([DEMO_ORGS.baobab]);
    expect(await visibleOrgIds(p, second.secret)).toEqual([DEMO_ORGS.baobab]);
  });

  const input = (over: Record<string, unknown>) => ({ organizationId: DEMO_ORGS.protea, name: 'k', role: 'VIEWER', scopes: ['VMS_READ'], ...over });
  const refused: [string, string, Record<string, unknown>, string, string?][] = [
    ['another customer', 'admin@baobab.example', {}, 'NOT_FOUND', 'input.organizationId'],
    ['its own reseller (upwards)', 'admin@protea.example', { organizationId: DEMO_ORGS.karoo }, 'NOT_FOUND', 'input.organizationId'],
    ['an unknown organisation', 'admin@protea.example', { organizationId: '01935c00-0000-7000-8000-0000000fffff' }, 'NOT_FOUND', 'input.organizationId'],
    ['a malformed organisation id', 'admin@protea.example', { organizationId: 'protea' }, 'BAD_USER_INPUT', 'input.organizationId'],
    ['a role above the creator (ADMIN → OWNER)', 'admin@protea.example', { role: 'OWNER' }, 'FORBIDDEN', 'input.role'],
    ['a role above the creator (MEMBER → ADMIN)', 'dev@protea.example', { role: 'ADMIN' }, 'FORBIDDEN', 'input.role'],
    ['a scope beyond the key role (VIEWER with VMS_WRITE)', 'viewer@protea.example', { scopes: ['VMS_WRITE'] }, 'FORBIDDEN', 'input.scopes'],
    ['billing scopes on a MEMBER key', 'dev@protea.example', { role: 'MEMBER', scopes: ['BILLING_WRITE'] }, 'FORBIDDEN', 'input.scopes'],
    ['no scopes', 'admin@protea.example', { scopes: [] }, 'BAD_USER_INPUT', 'input.scopes'],
    ['an expiry in the past', 'admin@protea.example', { expiresAt: '2020-01-01T00:00:00.000Z' }, 'BAD_USER_INPUT', 'input.expiresAt'],
    ['an expiry years ahead', 'admin@protea.example', { expiresAt: '2035-01-01T00:00:00.000Z' }, 'BAD_USER_INPUT', 'input.expiresAt'],
    ['a blank name', 'admin@protea.example', { name: '   ' }, 'BAD_USER_INPUT', 'input.name'],
    ['a zero rate limit', 'admin@protea.example', { rateLimit: { requestsPerMinute: 0 } }, 'BAD_USER_INPUT', 'input.rateLimit.requestsPerMinute'],
    ['a burst too large', 'admin@protea.example', { rateLimit: { requestsPerMinute: 60, burst: 10_001 } }, 'BAD_USER_INPUT', 'input.rateLimit.burst'],
  ];
  test.for(refused)('is refused for %s, writing nothing', async ([, email, over, code, field]) => {
    const before = await keyRows();
    const r = await p.gateway(CREATE_KEY, { i: input(over) }, await as(email));
    expect(codesOf(r)).toEqual([code]);
    if (field) {
      expect(r.errors![0]!.extensions!['field']).toBe(field);
      expect(r.errors![0]!.message.startsWith(`${field}:`)).toBe(true);
    }
    expect(r.data).toBeNull();
    expect(await keyRows()).toBe(before);
  });

  test('an unknown scope name is refused by the schema; anonymous callers and API keys cannot create keys', async () => {
    const before = await keyRows();
    expect(codesOf(await p.gateway(CREATE_KEY, { i: input({ scopes: ['ROOT'] }) }, await as('admin@protea.example')))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await p.gateway(CREATE_KEY, { i: input({}) }))).toEqual(['UNAUTHENTICATED']);
    const admin = await createKey(p, await as('admin@protea.example'), { organizationId: DEMO_ORGS.protea, role: 'ADMIN', scopes: ['VMS_WRITE'] });
    const byKey = await withKey(p, admin.secret, CREATE_KEY, { i: input({}) });
    expect(codesOf(byKey)).toEqual(['FORBIDDEN']);
    expect(byKey.errors![0]!.message).toBe('API keys are managed by signed-in users, not with an API key or a service token.');
    expect(await keyRows()).toBe(before + 1);
  });
});

describe('using a key through the gateway', () => {
  test('a key for one customer sees its organisation and nothing of another, with Bearer or X-API-Key', async () => {
    const key = await createKey(p, await as('admin@protea.example'), { organizationId: DEMO_ORGS.protea });
    for (const header of ['bearer', 'x-api-key'] as const) {
      expect(ok(await withKey(p, key.secret, ORG, { id: DEMO_ORGS.protea }, header)).organization.id).toBe(DEMO_ORGS.protea);
      for (const foreign of [DEMO_ORGS.baobab, DEMO_ORGS.karoo, DEMO_ORGS.provider, DEMO_ORGS.fynbos]) {
        expect(codesOf(await withKey(p, key.secret, ORG, { id: foreign }, header))).toEqual(['NOT_FOUND']);
      }
    }
    expect(await visibleOrgIds(p, key.secret)).toEqual([DEMO_ORGS.protea]);
  });

  test("tenancy matrix: a reseller's key sees its customers, never a sibling reseller's; VMs follow the same tree", async () => {
    const karooKey = await createKey(p, await as('admin@karoo.example'), { organizationId: DEMO_ORGS.karoo, scopes: ['VMS_READ', 'ORGANIZATIONS_READ'] });
    const fynbosKey = await createKey(p, await as('admin@fynbos.example'), { organizationId: DEMO_ORGS.fynbos, scopes: ['VMS_READ', 'ORGANIZATIONS_READ'] });
    expect(await visibleOrgIds(p, karooKey.secret)).toEqual([DEMO_ORGS.karoo, DEMO_ORGS.protea, DEMO_ORGS.baobab].sort());
    expect(await visibleOrgIds(p, fynbosKey.secret)).toEqual([DEMO_ORGS.fynbos]);
    const VMS = 'query($id: ID!) { organization(id: $id) { virtualMachines(first: 5) { edges { node { id organization { id } } } } } }';
    const proteaVms = ok(await withKey(p, karooKey.secret, VMS, { id: DEMO_ORGS.protea })).organization.virtualMachines.edges;
    expect(proteaVms.length).toBeGreaterThan(0);
    expect(proteaVms.every((e: { node: { organization: { id: string } } }) => e.node.organization.id === DEMO_ORGS.protea)).toBe(true);
    // Fynbos's key asks for a Protea VM by id: it looks exactly like a missing one.
    const vmId = proteaVms[0].node.id;
    const VM = 'query($id: ID!) { virtualMachine(id: $id) { id } }';
    expect(ok(await withKey(p, fynbosKey.secret, VM, { id: vmId })).virtualMachine).toBeNull();
    expect(codesOf(await withKey(p, fynbosKey.secret, ORG, { id: DEMO_ORGS.protea }))).toEqual(['NOT_FOUND']);
  });

  test('a key gets the role it was given, not its owner’s: a VIEWER key (which cannot hold vms:write) cannot power off a VM its ADMIN owner could', async () => {
    const viewerKey = await createKey(p, await as('admin@protea.example'), {
      organizationId: DEMO_ORGS.protea,
      role: 'VIEWER',
      scopes: ['VMS_READ', 'ORGANIZATIONS_READ'],
    });
    const vms = ok(
      await withKey(p, viewerKey.secret, 'query($id: ID!) { organization(id: $id) { virtualMachines(first: 1) { edges { node { id } } } } }', {
        id: DEMO_ORGS.protea,
      }),
    );
    const vmId = vms.organization.virtualMachines.edges[0].node.id;
    const r = await withKey(p, viewerKey.secret, 'mutation($id: ID!) { powerOffVirtualMachine(id: $id) { id } }', { id: vmId });
    expect(codesOf(r)).toEqual(['FORBIDDEN']);
    // The gateway's scope wall answers first: a VIEWER key can never carry vms:write (createApiKey refuses it).
    expect(r.errors![0]!.message).toBe('Mutation.powerOffVirtualMachine needs the scope vms:write, which this API key does not have.');
  });

  test('a wrong, malformed or made-up key is 401 UNAUTHENTICATED, leaking nothing', async () => {
    const real = await createKey(p, await as('admin@protea.example'), { organizationId: DEMO_ORGS.protea });
    const wrongSecret = real.secret.slice(0, -4) + (real.secret.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const key of [wrongSecret, 'cdp_live_000000000000_' + 'A'.repeat(43), 'cdp_nonsense']) {
      const r = await withKey(p, key, ORG, { id: DEMO_ORGS.protea });
      expect(r.status).toBe(401);
      expect(codesOf(r)).toEqual(['UNAUTHENTICATED']);
      expect(r.errors![0]!.message).toBe('The API key is not valid.');
    }
  });

  test('lastUsedAt is recorded when the key is used', async () => {
    const admin = await as('admin@protea.example');
    const key = await createKey(p, admin, { organizationId: DEMO_ORGS.protea });
    expect(key.apiKey.lastUsedAt).toBeNull();
    const before = Date.now() - 1000;
    ok(await withKey(p, key.secret, ORG, { id: DEMO_ORGS.protea }));
    const listed = ok(await p.gateway(KEYS_OF, { id: DEMO_ORGS.protea }, admin)).organization.apiKeys.edges.find(
      (e: { node: { id: string } }) => e.node.id === key.apiKey.id,
    ).node;
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(listed.lastUsedAt)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test("a key's own rate limit is enforced at the gateway (429, Retry-After)", async () => {
    const key = await createKey(p, await as('admin@protea.example'), { organizationId: DEMO_ORGS.protea, rateLimit: { requestsPerMinute: 6, burst: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await withKey(p, key.secret, ORG, { id: DEMO_ORGS.protea })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const response = await fetch(p.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key.secret },
      body: JSON.stringify({ query: ORG, variables: { id: DEMO_ORGS.protea } }),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter, limit: { requestsPerMinute: 6, burst: 2 } });
  });
});

describe('listing and revoking', () => {
  test('an ADMIN lists every key of the organisation; a member only its own; an API key only itself', async () => {
    const admin = await as('admin@protea.example');
    const dev = await as('dev@protea.example');
    const adminKey = await createKey(p, admin, { organizationId: DEMO_ORGS.protea, name: 'admin key' });
    const devKey = await createKey(p, dev, { organizationId: DEMO_ORGS.protea, name: 'dev key' });
    const ids = async (token: string | null, key?: string) => {
      const r = key ? await withKey(p, key, KEYS_OF, { id: DEMO_ORGS.protea }) : await p.gateway(KEYS_OF, { id: DEMO_ORGS.protea }, token!);
      return ok(r).organization.apiKeys.edges.map((e: { node: { id: string } }) => e.node.id);
    };
    expect(await ids(admin)).toEqual(expect.arrayContaining([adminKey.apiKey.id, devKey.apiKey.id]));
    expect(await ids(dev)).toEqual([devKey.apiKey.id]);
    expect(await ids(await as('viewer@protea.example'))).toEqual([]);
    expect(await ids(null, devKey.secret)).toEqual([devKey.apiKey.id]);
    // The reseller's admin sees Protea's keys too (an ADMIN above it).
    expect(await ids(await as('admin@karoo.example'))).toEqual(expect.arrayContaining([adminKey.apiKey.id, devKey.apiKey.id]));
    expect(codesOf(await p.gateway(KEYS_OF, { id: DEMO_ORGS.protea }, await as('admin@baobab.example')))).toEqual(['NOT_FOUND']);
  });

  test('identity reached directly: _entities answers apiKeys only for organisations the caller may see; a malformed id is null', async () => {
    const admin = await as('admin@protea.example');
    const key = await createKey(p, admin, { organizationId: DEMO_ORGS.protea, name: 'entities key' });
    const r = await gql(
      p.urls.identity,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id apiKeys(first: 100) { edges { node { id } } } } } }',
      { r: [DEMO_ORGS.protea, 'not-a-uuid', DEMO_ORGS.baobab].map((id) => ({ __typename: 'Organization', id })) },
      { token: admin },
    );
    const [own, malformed, foreign] = ok(r)._entities;
    expect(own.apiKeys.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(key.apiKey.id);
    expect(malformed).toEqual({ id: 'not-a-uuid', apiKeys: null });
    expect(foreign).toEqual({ id: DEMO_ORGS.baobab, apiKeys: null });
  });

  test('revoking: the owner or an admin may, nobody else sees the key; the gateway refuses it within a minute (here within the 1 s cache)', async () => {
    const admin = await as('admin@protea.example');
    const dev = await as('dev@protea.example');
    const devKey = await createKey(p, dev, { organizationId: DEMO_ORGS.protea });
    const adminKey = await createKey(p, admin, { organizationId: DEMO_ORGS.protea });
    ok(await withKey(p, devKey.secret, ORG, { id: DEMO_ORGS.protea }));
    expect(codesOf(await p.gateway(REVOKE_KEY, { id: adminKey.apiKey.id }, dev))).toEqual(['NOT_FOUND']);
    expect(codesOf(await p.gateway(REVOKE_KEY, { id: devKey.apiKey.id }, await as('admin@baobab.example')))).toEqual(['NOT_FOUND']);
    expect(codesOf(await p.gateway(REVOKE_KEY, { id: 'nope' }, admin))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await withKey(p, adminKey.secret, REVOKE_KEY, { id: adminKey.apiKey.id }))).toEqual(['FORBIDDEN']);
    const revoked = ok(await p.gateway(REVOKE_KEY, { id: devKey.apiKey.id }, admin)).revokeApiKey;
    expect(revoked.revokedReason).toBe(`revoked by an administrator (${demoUser('admin@protea.example').id})`);
    const again = ok(await p.gateway(REVOKE_KEY, { id: devKey.apiKey.id }, dev)).revokeApiKey;
    expect(again).toEqual(revoked); // the first revocation stands
    const took = await within(60_000, async () => (await withKey(p, devKey.secret, ORG, { id: DEMO_ORGS.protea })).status === 401);
    expect(took).toBeLessThan(5_000);
    const r = await withKey(p, devKey.secret, ORG, { id: DEMO_ORGS.protea });
    expect(r.errors![0]!.message).toBe('The API key has been revoked.');
    // Gone from the default listing; shown with includeRevoked.
    const listed = async (rev: boolean) =>
      ok(await p.gateway(KEYS_OF, { id: DEMO_ORGS.protea, rev }, admin)).organization.apiKeys.edges.map((e: any) => e.node.id);
    expect(await listed(false)).not.toContain(devKey.apiKey.id);
    expect(await listed(true)).toContain(devKey.apiKey.id);
    ok(await withKey(p, adminKey.secret, ORG, { id: DEMO_ORGS.protea }));
  });

  test('a key stops working, and is revoked, when its owner leaves the organisation or loses the role', async () => {
    const admin = await as('admin@protea.example');
    const make = async (label: string) => {
      const email = `${label}.${Date.now()}@protea.example`;
      const created = await p.gateway(
        'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
        { i: { email, password: DEMO_PASSWORD, displayName: label, organizationId: DEMO_ORGS.protea, role: 'MEMBER' } },
        admin,
      );
      const userId = ok(created).createUser.id as string;
      const key = await createKey(p, await p.login(email), { organizationId: DEMO_ORGS.protea, role: 'MEMBER', scopes: ['VMS_WRITE', 'ORGANIZATIONS_READ'] });
      ok(await withKey(p, key.secret, ORG, { id: DEMO_ORGS.protea }));
      return { userId, key };
    };
    const leaver = await make('leaver');
    const demoted = await make('demoted');
    ok(await p.gateway('mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }', { o: DEMO_ORGS.protea, u: leaver.userId }, admin));
    ok(
      await p.gateway(
        'mutation($o: ID!, $u: ID!) { changeMemberRole(organizationId: $o, userId: $u, role: VIEWER) { id } }',
        { o: DEMO_ORGS.protea, u: demoted.userId },
        admin,
      ),
    );
    for (const { key } of [leaver, demoted]) {
      await within(60_000, async () => (await withKey(p, key.secret, ORG, { id: DEMO_ORGS.protea })).status === 401);
      const r = await withKey(p, key.secret, ORG, { id: DEMO_ORGS.protea });
      expect(r.errors![0]!.message).toMatch(/^The API key has been revoked/);
    }
    const rows = await p.identity.db
      .selectFrom('api_keys')
      .select(['id', 'revoked_reason'])
      .where('id', 'in', [leaver.key.apiKey.id, demoted.key.apiKey.id])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.revoked_reason).sort()).toEqual(['owner left the organisation', 'owner lost the role']);
  });

  test('the owner sweep revokes the key of an owner who left even when the key is never used again', async () => {
    const admin = await as('admin@protea.example');
    const email = `sweep.${Date.now()}@protea.example`;
    const created = await p.gateway(
      'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
      { i: { email, password: DEMO_PASSWORD, displayName: 'Sweep', organizationId: DEMO_ORGS.protea, role: 'VIEWER' } },
      admin,
    );
    const userId = ok(created).createUser.id as string;
    const key = await createKey(p, await p.login(email), { organizationId: DEMO_ORGS.protea });
    const stays = await createKey(p, admin, { organizationId: DEMO_ORGS.protea, name: 'stays' });
    ok(await p.gateway('mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }', { o: DEMO_ORGS.protea, u: userId }, admin));
    const reasonOf = async (id: string) =>
      (await p.identity.db.selectFrom('api_keys').select('revoked_reason').where('id', '=', id).executeTakeFirstOrThrow()).revoked_reason;
    await within(30_000, async () => (await reasonOf(key.apiKey.id)) !== null);
    expect(await reasonOf(key.apiKey.id)).toBe('owner left the organisation');
    expect(await reasonOf(stays.apiKey.id)).toBeNull();
    const listed = ok(await p.gateway(KEYS_OF, { id: DEMO_ORGS.protea, rev: true }, admin)).organization.apiKeys.edges.find(
      (e: { node: { id: string } }) => e.node.id === key.apiKey.id,
    ).node;
    expect(listed.revokedReason).toBe('owner left the organisation');
    expect(listed.revokedAt).not.toBeNull();
  });

  test('an expired key is refused; its token never outlives it', async () => {
    const key = await createKey(p, await as('admin@protea.example'), {
      organizationId: DEMO_ORGS.protea,
      expiresAt: new Date(Date.now() + 8_000).toISOString(), // long enough to exchange on a loaded machine
    });
    const { status, body } = await exchange(p, key.secret);
    expect(status).toBe(200);
    expect(body['expiresIn']).toBeLessThanOrEqual(8);
    await within(60_000, async () => (await withKey(p, key.secret, ORG, { id: DEMO_ORGS.protea })).status === 401);
    expect((await exchange(p, key.secret)).body).toEqual({ errors: [{ message: 'The API key has expired.' }] });
  });
});

describe("identity's exchange route, for callers other than the gateway", () => {
  test('POST /api-keys/token turns a key into an api_key token that a subgraph reached directly accepts', async () => {
    const key = await createKey(p, await as('dev@protea.example'), {
      organizationId: DEMO_ORGS.protea,
      role: 'MEMBER',
      scopes: ['TELEMETRY_WRITE'],
      rateLimit: { requestsPerMinute: 120 },
    });
    const { status, body } = await exchange(p, null, { authorization: `Bearer ${key.secret}` });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      tokenType: 'Bearer',
      apiKeyId: key.apiKey.id,
      organizationId: DEMO_ORGS.protea,
      role: 'MEMBER',
      scopes: ['telemetry:write'],
      rateLimit: { requestsPerMinute: 120, burst: 120 },
    });
    expect(body['expiresIn']).toBeGreaterThanOrEqual(295); // 300 s, less the time the answer took
    expect(body['expiresIn']).toBeLessThanOrEqual(300);
    const claims = JSON.parse(Buffer.from(String(body['accessToken']).split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      typ: 'api_key',
      sub: key.apiKey.id,
      org: DEMO_ORGS.protea,
      role: 'MEMBER',
      scopes: ['telemetry:write'],
      owner: demoUser('dev@protea.example').id,
      rl: [120, 120],
    });
    expect(claims.exp - claims.iat).toBe(300);
    const direct = await fetch(p.urls.tenancy, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${body['accessToken']}` },
      body: JSON.stringify({ query: ORG, variables: { id: DEMO_ORGS.protea } }),
    });
    expect(((await direct.json()) as any).data.organization.id).toBe(DEMO_ORGS.protea);
  });

  test('without a key, or with a bad one, it answers 401 naming what to send', async () => {
    expect(await exchange(p, null)).toEqual({
      status: 401,
      body: { errors: [{ message: 'Send the API key as "X-API-Key: <key>" or "Authorization: Bearer <key>".' }] },
    });
    expect(await exchange(p, 'cdp_live_bad')).toEqual({ status: 401, body: { errors: [{ message: 'The API key is not valid.' }] } });
  });
});
