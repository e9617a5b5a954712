import { createDecipheriv } from 'node:crypto';
import { base64url, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { describe, expect } from 'vitest';
import { codesOf, gql } from '@platform/testkit';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { demoUser, type TestPlatform } from '../../src/test-platform.ts';
import { platformTest } from '../support/platform-fixture.ts';

const karooAdmin = demoUser('admin@karoo.example');

interface SigningKey {
  readonly kid: string;
  readonly jwk: JWK;
}

/** A genuine token, and identity's first signing key (private part included) read before any rotation. */
const test = platformTest.extend<{ validToken: string; signingKey: SigningKey }>({
  validToken: [async ({ platform }, use) => use(await platform.login(karooAdmin.email)), { scope: 'file' }],
  signingKey: [
    async ({ platform }, use) => {
      // Sealed at rest (AES-256-GCM, iv ‖ tag ‖ ciphertext, the kid as associated data): opened with the platform's key.
      const row = await platform.identity.db.selectFrom('signing_keys').select(['kid', 'private_key_sealed']).executeTakeFirstOrThrow();
      const raw = Buffer.from(row.private_key_sealed!, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', Buffer.from(platform.keyEncryptionKey, 'base64'), raw.subarray(0, 12)).setAAD(Buffer.from(row.kid));
      decipher.setAuthTag(raw.subarray(12, 28));
      const jwk = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as JWK;
      await use({ kid: row.kid, jwk });
    },
    { scope: 'file' },
  ],
});
// All three in the hook: the platform's start gets the hook timeout, and the key is read before any rotation.
test.beforeAll(({ platform, validToken, signingKey }) => void [platform, validToken, signingKey]);

const claims = { typ: 'user', org: DEMO_ORGS.karoo, role: 'ADMIN', scopes: ['read'] };

async function signWith(
  key: Parameters<SignJWT['sign']>[0],
  kid: string,
  { audience = 'cloud-platform', issuer = 'cloud-platform/identity', expiresIn = '5m' as string | number, alg = 'EdDSA' } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid })
    .setSubject(karooAdmin.id)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

const attacks: Record<string, (genuine: { validToken: string; signingKey: SigningKey }) => Promise<string>> = {
  expired: async ({ signingKey }) => signWith(await importJWK(signingKey.jwk, 'EdDSA'), signingKey.kid, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
  tampered: async ({ validToken }) => {
    const [header, payload, signature] = validToken.split('.') as [string, string, string];
    const changed = { ...JSON.parse(new TextDecoder().decode(base64url.decode(payload))), role: 'OWNER', org: DEMO_ORGS.provider };
    return [header, base64url.encode(JSON.stringify(changed)), signature].join('.');
  },
  'alg none': async ({ validToken }) => {
    const [, payload] = validToken.split('.') as [string, string];
    return [base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' })), payload, ''].join('.');
  },
  'unknown kid': async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    return signWith(privateKey, 'not-a-published-key');
  },
  'known kid, other key': async ({ signingKey }) => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    return signWith(privateKey, signingKey.kid);
  },
  'wrong audience': async ({ signingKey }) => signWith(await importJWK(signingKey.jwk, 'EdDSA'), signingKey.kid, { audience: 'someone-else' }),
  'wrong issuer': async ({ signingKey }) => signWith(await importJWK(signingKey.jwk, 'EdDSA'), signingKey.kid, { issuer: 'evil' }),
  garbage: async () => 'not.a.jwt',
};

describe.each(Object.keys(attacks))('a token that is %s', (name) => {
  test('is rejected with UNAUTHENTICATED by the gateway, identity and tenancy', async ({ platform: p, validToken, signingKey }) => {
    const token = await attacks[name]!({ validToken, signingKey });
    for (const url of [p.gatewayUrl, p.urls.identity, p.urls.tenancy]) {
      const r = await gql(url, '{ __typename }', {}, { token });
      expect(r.status, url).toBe(401);
      expect(codesOf(r), url).toEqual(['UNAUTHENTICATED']);
      expect(r.data ?? null).toBeNull();
    }
  });
});

test('the genuine token is accepted everywhere (the attacks above are not failing for another reason)', async ({ platform: p, validToken }) => {
  for (const url of [p.gatewayUrl, p.urls.identity, p.urls.tenancy]) {
    const r = await gql(url, '{ __typename }', {}, { token: validToken });
    expect(r.status, url).toBe(200);
    expect(r.errors, url).toBeUndefined();
  }
});

describe('service tokens', () => {
  const mint = (p: TestPlatform, secret: string, body: unknown) =>
    fetch(p.urls.identity.replace('/graphql', '/internal/service-token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(body),
    });
  const nodes = '{ internalOrganizationNodes(ids: ["' + DEMO_ORGS.protea + '"]) { id kind ancestors } }';

  test("are minted only with that service's own secret and only with the scopes that service may have", async ({ platform: p }) => {
    expect((await mint(p, 'wrong-secret', { service: 'wallet', scopes: ['tenancy:read'] })).status).toBe(401);
    expect((await mint(p, p.serviceSecrets.wallet, { service: 'wallet', scopes: ['tenancy:write'] })).status).toBe(403);
    expect((await mint(p, p.serviceSecrets.wallet, { service: 'nobody', scopes: [] })).status).toBe(400);
    const ok = await mint(p, p.serviceSecrets.wallet, { service: 'wallet', scopes: ['tenancy:read'] });
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    const r = await gql(p.urls.tenancy, nodes, {}, { token });
    expect(r.errors).toBeUndefined();
    expect(r.data?.internalOrganizationNodes).toEqual([{ id: DEMO_ORGS.protea, kind: 'CUSTOMER', ancestors: [DEMO_ORGS.provider, DEMO_ORGS.karoo] }]);
  });

  test("a service presenting another service's name with its own secret is refused", async ({ platform: p }) => {
    // vms may hold wallet money; wallet's secret must not buy that, nor billing's wallet:debit (billing has no credential here).
    const claims = [
      [p.serviceSecrets.wallet, { service: 'vms', scopes: ['wallet:hold'] }],
      [p.serviceSecrets.vms, { service: 'wallet', scopes: [] }],
      [p.serviceSecrets.tenancy, { service: 'vms', scopes: ['catalog:price'] }],
      [p.serviceSecrets.vms, { service: 'billing', scopes: ['wallet:debit'] }],
      [p.serviceSecrets.vms, { service: 'identity', scopes: ['tenancy:write'] }],
    ] as const;
    for (const [secret, body] of claims) {
      const r = await mint(p, secret, body);
      expect({ body, status: r.status }).toEqual({ body, status: 401 });
      expect(await r.json()).toEqual({ errors: [{ message: 'invalid service credentials' }] });
    }
    expect((await mint(p, p.serviceSecrets.vms, { service: 'vms', scopes: ['wallet:hold'] })).status).toBe(200);
  });

  test("internal operations refuse user tokens, even the provider owner's, and are not in the public supergraph", async ({ platform: p }) => {
    const owner = await p.login('ops@highveld.example');
    expect(codesOf(await gql(p.urls.tenancy, nodes, {}, { token: owner }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await p.gateway(nodes, {}, owner))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

test('signing keys rotate: the new key is published first, signs after its lead time, and old tokens stay valid', async ({
  platform: p,
  validToken,
  signingKey,
}) => {
  const owner = await p.login('ops@highveld.example');
  const rotated = await p.gateway('mutation { rotateSigningKey { kid activatesAt } }', {}, owner);
  expect(rotated.errors).toBeUndefined();
  const newKid: string = rotated.data.rotateSigningKey.kid;
  expect(new Date(rotated.data.rotateSigningKey.activatesAt).getTime()).toBeGreaterThan(Date.now() + 60_000);

  const jwks = (await (await fetch(p.urls.identity.replace('/graphql', '/.well-known/jwks.json'))).json()) as { keys: JWK[] };
  expect(jwks.keys.map((k) => k.kid).sort()).toEqual([signingKey.kid, newKid].sort());
  expect(jwks.keys.every((k) => k.d === undefined)).toBe(true); // never the private part

  // Before activation, new tokens are still signed with the old key.
  const before = await p.login(karooAdmin.email);
  expect(JSON.parse(new TextDecoder().decode(base64url.decode(before.split('.')[0]!))).kid).toBe(signingKey.kid);

  // Let the lead time pass (moved in the database), then new tokens carry the new kid and verify everywhere.
  await p.identity.db
    .updateTable('signing_keys')
    .set({ activates_at: new Date(Date.now() - 1000) })
    .where('kid', '=', newKid)
    .execute();
  await new Promise((r) => setTimeout(r, 5_100)); // identity caches its key list for 5 s
  const after = await p.login(karooAdmin.email);
  expect(JSON.parse(new TextDecoder().decode(base64url.decode(after.split('.')[0]!))).kid).toBe(newKid);
  for (const token of [before, after, validToken]) {
    const r = await p.gateway('{ me { email } }', {}, token);
    expect(r.errors).toBeUndefined();
    expect(r.data.me.email).toBe(karooAdmin.email);
  }
});

test('only the provider OWNER can rotate keys', async ({ platform: p }) => {
  const resellerOwner = await p.login('owner@karoo.example');
  expect(codesOf(await p.gateway('mutation { rotateSigningKey { kid } }', {}, resellerOwner))).toEqual(['FORBIDDEN']);
  const providerAdmin = await p.login('admin@highveld.example');
  expect(codesOf(await p.gateway('mutation { rotateSigningKey { kid } }', {}, providerAdmin))).toEqual(['FORBIDDEN']);
});
