import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { DEMO_ORGS, DEMO_PASSWORD } from '../../src/demo-data.ts';
import { demoUser, type TestPlatform } from '../../src/test-platform.ts';
import { platformTest as test } from '../support/platform-fixture.ts';

test.beforeAll(({ platform }) => void platform);

const LOG_IN = `mutation($e: String!, $p: String!, $o: ID) {
  logIn(email: $e, password: $p, organizationId: $o) { accessToken refreshToken tokenType expiresAt role organization { id } user { id email } }
}`;
const REFRESH = `mutation($t: String!, $o: ID) { refreshSession(refreshToken: $t, organizationId: $o) { accessToken refreshToken role organization { id } } }`;

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

describe('logIn', () => {
  test('returns a 15-minute EdDSA access token whose org and role come from the membership', async ({ platform: p }) => {
    const user = demoUser('dev@protea.example');
    const r = await p.gateway(LOG_IN, { e: 'DEV@Protea.example ', p: DEMO_PASSWORD });
    expect(r.errors).toBeUndefined();
    const session = r.data.logIn;
    expect(session).toMatchObject({ tokenType: 'Bearer', role: 'MEMBER', organization: { id: DEMO_ORGS.protea }, user: { id: user.id } });
    const header = JSON.parse(Buffer.from(session.accessToken.split('.')[0], 'base64url').toString('utf8'));
    expect(header.alg).toBe('EdDSA');
    expect(typeof header.kid).toBe('string');
    const claims = claimsOf(session.accessToken);
    expect(claims).toMatchObject({ sub: user.id, typ: 'user', org: DEMO_ORGS.protea, role: 'MEMBER', aud: 'cloud-platform' });
    expect(claims.exp - claims.iat).toBe(900);
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  test('wrong password and unknown email give the same UNAUTHENTICATED answer', async ({ platform: p }) => {
    const wrong = await p.gateway(LOG_IN, { e: 'admin@baobab.example', p: 'not-the-password' });
    const unknown = await p.gateway(LOG_IN, { e: 'nobody@nowhere.example', p: 'not-the-password' });
    expect(codesOf(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    expect(wrong.data).toBeNull();
  });

  test('a malformed email is BAD_USER_INPUT naming the field', async ({ platform: p }) => {
    const r = await p.gateway(LOG_IN, { e: 'not-an-email', p: DEMO_PASSWORD });
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors?.[0]?.extensions?.['field']).toBe('email');
  });

  test('an organisation the user is not a member of is refused', async ({ platform: p }) => {
    const r = await p.gateway(LOG_IN, { e: 'admin@protea.example', p: DEMO_PASSWORD, o: DEMO_ORGS.baobab });
    expect(codesOf(r)).toEqual(['FORBIDDEN']);
  });

  test('repeated failures lock the account (RATE_LIMITED, even with the right password) but not others', async ({ platform: p }) => {
    const email = 'admin@springbok.example';
    for (let i = 0; i < 5; i++) expect(codesOf(await p.gateway(LOG_IN, { e: email, p: `wrong-password-${i}` }))).toEqual(['UNAUTHENTICATED']);
    const locked = await p.gateway(LOG_IN, { e: email, p: DEMO_PASSWORD });
    expect(codesOf(locked)).toEqual(['RATE_LIMITED']);
    expect(locked.errors?.[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    expect(locked.errors?.[0]?.message).toMatch(/try again in \d+ s/);
    expect((await p.gateway(LOG_IN, { e: 'admin@kalahari.example', p: DEMO_PASSWORD })).errors).toBeUndefined();
  });

  test('concurrent wrong guesses are all counted', async ({ platform: p }) => {
    const email = 'admin@umhlanga.example';
    await Promise.all(Array.from({ length: 8 }, (_, i) => p.gateway(LOG_IN, { e: email, p: `guess-${i}-wrong` })));
    expect(codesOf(await p.gateway(LOG_IN, { e: email, p: DEMO_PASSWORD }))).toEqual(['RATE_LIMITED']);
  });
});

describe('refresh tokens', () => {
  const logIn = async (p: TestPlatform, email: string) => (await p.gateway(LOG_IN, { e: email, p: DEMO_PASSWORD })).data.logIn;

  test('rotate: each refresh returns a new pair, and the new access token works', async ({ platform: p }) => {
    const first = await logIn(p, 'admin@fynbos.example');
    const second = (await p.gateway(REFRESH, { t: first.refreshToken })).data.refreshSession;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.organization.id).toBe(DEMO_ORGS.fynbos);
    const me = await p.gateway('{ me { email } }', {}, second.accessToken);
    expect(me.data.me.email).toBe('admin@fynbos.example');
  });

  test('reusing a spent refresh token revokes the whole family', async ({ platform: p }) => {
    const first = await logIn(p, 'admin@fynbos.example');
    const second = (await p.gateway(REFRESH, { t: first.refreshToken })).data.refreshSession;
    const replay = await p.gateway(REFRESH, { t: first.refreshToken });
    expect(codesOf(replay)).toEqual(['UNAUTHENTICATED']);
    expect(replay.errors?.[0]?.message).toMatch(/already used/);
    // The thief's replay also killed the legitimate holder's newer token.
    expect(codesOf(await p.gateway(REFRESH, { t: second.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });

  test('two concurrent refreshes with one token: exactly one wins, the other is refused as a reuse, and the whole family ends revoked', async ({
    platform: p,
  }) => {
    for (let round = 0; round < 5; round++) {
      const first = await logIn(p, 'admin@fynbos.example');
      const results = await Promise.all([p.gateway(REFRESH, { t: first.refreshToken }), p.gateway(REFRESH, { t: first.refreshToken })]);
      const winners = results.filter((r) => !r.errors);
      const losers = results.filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.data.refreshSession.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(losers).toHaveLength(1);
      expect(codesOf(losers[0]!)).toEqual(['UNAUTHENTICATED']);
      expect(losers[0]!.errors![0]!.message).toMatch(/already used/);
      // The loser's reuse revoked the family, the winner's fresh token included.
      expect(codesOf(await p.gateway(REFRESH, { t: winners[0]!.data.refreshSession.refreshToken }))).toEqual(['UNAUTHENTICATED']);
      const family = await sql<{ n: string; revoked: string }>`
        select count(*) as n, count(revoked_at) as revoked from refresh_tokens
        where family_id = (select family_id from refresh_tokens where token_hash = ${createHash('sha256').update(first.refreshToken).digest()})`.execute(
        p.identity.db,
      );
      expect(family.rows[0]).toEqual({ n: '2', revoked: '2' }); // the presented token and its one successor
    }
  });

  test('an unknown refresh token is UNAUTHENTICATED', async ({ platform: p }) => {
    expect(codesOf(await p.gateway(REFRESH, { t: 'made-up-token' }))).toEqual(['UNAUTHENTICATED']);
  });

  test('logOut ends the session', async ({ platform: p }) => {
    const s = await logIn(p, 'admin@fynbos.example');
    const out = await p.gateway('mutation($t: String!) { logOut(refreshToken: $t) }', { t: s.refreshToken });
    expect(out.data.logOut).toBe(true);
    expect(codesOf(await p.gateway(REFRESH, { t: s.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });

  test('a user in several organisations switches between them, and roles are re-read on refresh', async ({ platform: p }) => {
    const owner = await p.login('owner@karoo.example');
    const user = demoUser('admin@baobab.example');
    // Karoo's owner makes Baobab's admin a VIEWER of Protea too.
    const added = await p.gateway(
      'mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u, role: VIEWER) { role } }',
      { o: DEMO_ORGS.protea, u: user.id },
      owner,
    );
    expect(added.errors).toBeUndefined();
    const s = await logIn(p, user.email);
    expect(s.organization.id).toBe(DEMO_ORGS.baobab);
    const switched = (await p.gateway(REFRESH, { t: s.refreshToken, o: DEMO_ORGS.protea })).data.refreshSession;
    expect(switched).toMatchObject({ role: 'VIEWER', organization: { id: DEMO_ORGS.protea } });
    expect(claimsOf(switched.accessToken)).toMatchObject({ org: DEMO_ORGS.protea, role: 'VIEWER' });
    const me = await p.gateway('{ me { memberships { role organization { name } } } }', {}, switched.accessToken);
    expect(me.data.me.memberships.map((m: { organization: { name: string } }) => m.organization.name).sort()).toEqual(['Baobab Health', 'Protea Logistics']);
    // Promoted while signed in: the next refresh carries the new role.
    await p.gateway(
      'mutation($o: ID!, $u: ID!) { changeMemberRole(organizationId: $o, userId: $u, role: MEMBER) { role } }',
      { o: DEMO_ORGS.protea, u: user.id },
      owner,
    );
    const refreshed = (await p.gateway(REFRESH, { t: switched.refreshToken })).data.refreshSession;
    expect(refreshed).toMatchObject({ role: 'MEMBER', organization: { id: DEMO_ORGS.protea } });
  });
});
