import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { codesOf, gql } from '@platform/testkit';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { platformTest as test } from '../support/platform-fixture.ts';

test.beforeAll(({ platform }) => void platform);

const LOG_IN = `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }`;

const retryAfterOf = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.['retryAfterSeconds'];

describe('login under load (issue 9, item 1)', () => {
  test('40 concurrent wrong guesses on one account: at most LOGIN_MAX_FAILURES (5) are evaluated, the rest RATE_LIMITED, none internal', async ({
    platform: p,
  }) => {
    const email = 'admin@baobab.example';
    const checksBefore = p.identity.services.hashing.started;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => p.gateway(LOG_IN, { e: email, p: `wrong-guess-${i}` })));
    const codes = answers.map((r) => codesOf(r).join(','));
    expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c !== 'UNAUTHENTICATED' && c !== 'RATE_LIMITED')).toEqual([]);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(35);
    for (const r of answers.filter((a) => codesOf(a)[0] === 'RATE_LIMITED')) expect(retryAfterOf(r)).toBeGreaterThan(0);
    // Password checks actually run for this account: no more than the limit.
    expect(p.identity.services.hashing.started - checksBefore).toBeLessThanOrEqual(5);
    // Locked now, even with the right password, and without hashing.
    const checksLocked = p.identity.services.hashing.started;
    expect(codesOf(await p.gateway(LOG_IN, { e: email, p: DEMO_PASSWORD }))).toEqual(['RATE_LIMITED']);
    expect(p.identity.services.hashing.started).toBe(checksLocked);
  });

  test('200 concurrent logins spread over the 18 demo users: each answer is a session or RATE_LIMITED', async ({ platform: p }) => {
    const users = DEMO_USERS.filter((u) => u.email !== 'admin@baobab.example'); // locked by the test above
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => p.gateway(LOG_IN, { e: users[i % users.length]!.email, p: DEMO_PASSWORD })));
    let sessions = 0;
    for (const r of answers) {
      if (r.data?.logIn) {
        expect(r.data.logIn.accessToken).toMatch(/^ey/);
        sessions += 1;
      } else {
        expect(codesOf(r)).toEqual(['RATE_LIMITED']);
        expect(retryAfterOf(r)).toBeGreaterThan(0);
      }
    }
    expect(sessions).toBeGreaterThan(0);
    // Successful sign-ins leave nothing counted against the address.
    const address = await sql<{ failures: number }>`select failures from login_address_failures`.execute(p.identity.db);
    expect(address.rows.every((r) => r.failures <= 5)).toBe(true);
  });

  test('the client cannot choose its address through the gateway: a forged x-forwarded-for is replaced', async ({ platform: p }) => {
    const r = await gql(p.gatewayUrl, LOG_IN, { e: 'nobody-here@nowhere.example', p: 'wrong-password-x' }, { headers: { 'x-forwarded-for': '10.9.9.9' } });
    expect(codesOf(r)).toEqual(['UNAUTHENTICATED']);
    const rows = await sql<{ address: string }>`select address from login_address_failures`.execute(p.identity.db);
    expect(rows.rows.map((x) => x.address)).not.toContain('10.9.9.9');
  });
});

describe('per-address throttle and the hashing queue (own platform: LOGIN_ADDRESS_MAX_FAILURES=3, PASSWORD_HASH_QUEUE=0, concurrency 1)', () => {
  test('one address cannot lock out many accounts; another address and the untouched accounts are unaffected', async () => {
    const p: TestPlatform = await startTestPlatform({ identityEnv: { LOGIN_ADDRESS_MAX_FAILURES: '3' } });
    try {
      // A burst of correct sign-ins from one address (an office behind NAT) counts nothing against it.
      const burst = await Promise.all(DEMO_USERS.slice(0, 10).map((u) => p.gateway(LOG_IN, { e: u.email, p: DEMO_PASSWORD })));
      expect(burst.filter((r) => codesOf(r)[0] === 'RATE_LIMITED' && /address/.test(r.errors![0]!.message))).toEqual([]);
      const accounts = ['admin@protea.example', 'admin@fynbos.example', 'admin@kalahari.example', 'admin@springbok.example'];
      const answers = [];
      for (const e of accounts) answers.push(await p.gateway(LOG_IN, { e, p: 'wrong-password-1' }));
      expect(answers.map((r) => codesOf(r)[0])).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
      expect(answers[3]!.errors![0]!.message).toMatch(/from this address; try again in \d+ s/);
      expect(retryAfterOf(answers[3]!)).toBeGreaterThan(0);
      // The refused attempt was not counted against springbok's account.
      const springbok = await sql<{
        failures: number;
      }>`select coalesce(sum(failures), 0)::int as failures from login_failures where email_normalized = 'admin@springbok.example'`.execute(p.identity.db);
      expect(springbok.rows).toEqual([{ failures: 0 }]);
      // Another client (as the gateway would forward it; identity trusts x-forwarded-for from loopback) still signs in.
      const other = await gql(p.urls.identity, LOG_IN, { e: 'admin@springbok.example', p: DEMO_PASSWORD }, { headers: { 'x-forwarded-for': '192.0.2.7' } });
      expect(other.errors).toBeUndefined();
    } finally {
      await p.close();
    }
  }, 180_000); // starts a platform of its own

  test('beyond the hashing queue a sign-in is RATE_LIMITED at once (retry-after 1 s), never a timeout, and nothing is counted', async () => {
    const p: TestPlatform = await startTestPlatform({ identityEnv: { PASSWORD_HASH_QUEUE: '0', PASSWORD_HASH_CONCURRENCY: '1' } });
    try {
      const users = DEMO_USERS.slice(0, 6);
      const started = Date.now();
      const answers = await Promise.all(users.map((u) => p.gateway(LOG_IN, { e: u.email, p: DEMO_PASSWORD })));
      expect(Date.now() - started).toBeLessThan(5000);
      const limited = answers.filter((r) => codesOf(r)[0] === 'RATE_LIMITED');
      expect(answers.filter((r) => r.data?.logIn).length + limited.length).toBe(6);
      expect(limited.length).toBeGreaterThan(0);
      for (const r of limited) expect(retryAfterOf(r)).toBe(1);
      const counted = await sql<{ n: number }>`select coalesce(sum(failures), 0)::int as n from login_failures`.execute(p.identity.db);
      expect(counted.rows[0]!.n).toBe(0);
    } finally {
      await p.close();
    }
  }, 180_000); // starts a platform of its own
});
