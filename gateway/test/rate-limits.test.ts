import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTokenVerifier } from '@platform/kernel';
import { TEST_AUDIENCE, TEST_ISSUER } from '@platform/testkit';
import { MemoryRateLimiter } from '../src/rate-limit/token-bucket.ts';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { postQuery, type RawResponse } from './support/http.ts';
import { startJwksIssuer, type JwksIssuer } from './support/jwt-keys.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

// Per-principal token buckets at the gateway (issue 13 item 4): user, API key, anonymous address;
// in memory by default, shared through Redis between gateways when REDIS_URL is set.
const logger = memoryLogger();
const REDIS_URL = process.env['REDIS_URL'];
let issuer: JwksIssuer;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
const started: StartedGateway[] = [];
let subgraphRequests = 0;

/** Tight limits so a handful of requests crosses them: burst 3, refilled at 6 a minute (one per 10 s). */
const TIGHT = {
  RATE_LIMIT_USER_PER_MINUTE: '6',
  RATE_LIMIT_USER_BURST: '3',
  RATE_LIMIT_API_KEY_PER_MINUTE: '6',
  RATE_LIMIT_API_KEY_BURST: '3',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '6',
  RATE_LIMIT_ANONYMOUS_BURST: '3',
};

async function gateway(env: Record<string, string> = {}): Promise<string> {
  const g = await startGateway(
    { SUPERGRAPH_PATH: dir.file('supergraph.graphql'), JWKS_URL: issuer.url, ...TIGHT, ...env },
    { logger, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } },
  );
  started.push(g);
  return g.server.url;
}

const QUERY = '{ thing(id: "a1") { name } }';
const ask = (url: string, headers: Record<string, string> = {}) => postQuery(url, QUERY, headers);
const bearer = async (sub: string, claims: Record<string, unknown> = {}) => ({ authorization: `Bearer ${await issuer.token({ sub, claims })}` });
const statuses = async (url: string, n: number, headers: Record<string, string> = {}) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await ask(url, headers)).status);
  return out;
};

function expectRateLimited(response: RawResponse, message: RegExp) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  // One token refills in 10 s at 6 a minute; the header and the extension say the same whole seconds.
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(10);
  const body = response.json();
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter, limit: { requestsPerMinute: 6, burst: 3 } });
  expect(body.errors![0]!.message).toMatch(message);
  expect(body.errors![0]!.message).toContain(`retry in ${retryAfter} s`);
}

beforeAll(async () => {
  issuer = await startJwksIssuer();
  subgraphs = await startFixtureSubgraphs({
    logger,
    verifyToken: createTokenVerifier({ keys: issuer.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
  });
  subgraphs.alpha.httpServer.on('request', () => subgraphRequests++);
  dir = await tempDir();
  await writeFile(dir.file('supergraph.graphql'), composeFixtures());
});

afterAll(async () => {
  await Promise.all(started.map((g) => g.gateway.stop()));
  await subgraphs?.stop();
  await issuer?.stop();
  await dir?.remove();
});

describe('token buckets in memory (no REDIS_URL)', () => {
  test('an anonymous address gets its burst, then 429 RATE_LIMITED with Retry-After, and the refused request reaches no subgraph', async () => {
    const url = await gateway();
    expect(await statuses(url, 3)).toEqual([200, 200, 200]);
    const before = subgraphRequests;
    expectRateLimited(await ask(url), /^Rate limit exceeded for this address \(6 requests per minute, burst 3\)/);
    expect(subgraphRequests).toBe(before);
  });

  test('each user has its own bucket: one user over the limit leaves another untouched', async () => {
    const url = await gateway();
    const alice = await bearer('alice');
    expect(await statuses(url, 3, alice)).toEqual([200, 200, 200]);
    expectRateLimited(await ask(url, alice), /^Rate limit exceeded for this user/);
    expect(await statuses(url, 3, await bearer('bob'))).toEqual([200, 200, 200]);
  });

  test("an API key's own limit (the rl claim of its token) wins over the default for keys", async () => {
    const url = await gateway();
    const key = await bearer(randomUUID(), { typ: 'api_key', rl: [6, 2] });
    expect(await statuses(url, 2, key)).toEqual([200, 200]);
    const refused = await ask(url, key);
    expect(refused.status).toBe(429);
    expect(refused.json().errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: { requestsPerMinute: 6, burst: 2 } });
    expect(refused.json().errors![0]!.message).toMatch(/^Rate limit exceeded for this API key \(6 requests per minute, burst 2\)/);
    // Without the claim a key gets the default for keys (burst 3).
    expect(await statuses(url, 4, await bearer(randomUUID(), { typ: 'api_key' }))).toEqual([200, 200, 200, 429]);
  });

  test("refused credentials count against the client's address: guessing keys or tokens is throttled too", async () => {
    const url = await gateway();
    const forged = { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' };
    expect(await statuses(url, 3, forged)).toEqual([401, 401, 401]);
    expectRateLimited(await ask(url, forged), /^Rate limit exceeded for this address/);
    // The address's bucket is spent for anonymous requests too; a valid user still has its own.
    expect((await ask(url)).status).toBe(429);
    expect((await ask(url, await bearer('grace'))).status).toBe(200);
  });

  test('0 requests per minute turns a limit off', async () => {
    const url = await gateway({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' });
    expect(await statuses(url, 8)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
  });

  test('x-forwarded-for is believed only from TRUSTED_PROXY_ADDRESSES', async () => {
    const direct = await gateway();
    // Not trusted: a client cannot escape its bucket by inventing addresses.
    const spoofed = await Promise.all([0, 1, 2, 3].map((i) => ask(direct, { 'x-forwarded-for': `203.0.113.${i}` })));
    expect(spoofed.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
    // Behind a trusted proxy (here the test itself on loopback), each client address has its own bucket.
    const proxied = await gateway({ TRUSTED_PROXY_ADDRESSES: '127.0.0.1,::1,::ffff:127.0.0.1' });
    expect(await statuses(proxied, 3, { 'x-forwarded-for': '203.0.113.7' })).toEqual([200, 200, 200]);
    expect(await statuses(proxied, 1, { 'x-forwarded-for': '203.0.113.7' })).toEqual([429]);
    expect(await statuses(proxied, 3, { 'x-forwarded-for': '203.0.113.8' })).toEqual([200, 200, 200]);
  });

  test('two gateways without Redis each keep their own buckets (the in-memory fallback is per process)', async () => {
    const [a, b] = [await gateway(), await gateway()];
    const carol = await bearer('carol');
    expect(await statuses(a, 4, carol)).toEqual([200, 200, 200, 429]);
    expect(await statuses(b, 4, carol)).toEqual([200, 200, 200, 429]);
  });
});

describe('the token-bucket rule', () => {
  test('refills continuously at perMinute and never above burst; a refusal says when the next token comes', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const limit = { perMinute: 60, burst: 2 }; // one token a second
    expect((await limiter.take('k', limit)).allowed).toBe(true);
    expect((await limiter.take('k', limit)).allowed).toBe(true);
    expect(await limiter.take('k', limit)).toEqual({ allowed: false, retryAfterMs: 1000 });
    now += 400;
    expect(await limiter.take('k', limit)).toEqual({ allowed: false, retryAfterMs: 600 });
    now += 600;
    expect(await limiter.take('k', limit)).toEqual({ allowed: true, retryAfterMs: 0 });
    now += 60_000; // a long pause refills only up to burst
    expect((await limiter.take('k', limit)).allowed).toBe(true);
    expect((await limiter.take('k', limit)).allowed).toBe(true);
    expect((await limiter.take('k', limit)).allowed).toBe(false);
  });
});

describe.skipIf(!REDIS_URL)('token buckets shared through Redis (REDIS_URL)', () => {
  test('two gateways sharing Redis share one bucket per principal', async () => {
    const shared = { REDIS_URL: REDIS_URL!, RATE_LIMIT_REDIS_PREFIX: `test:${randomUUID()}:` };
    const [a, b] = [await gateway(shared), await gateway(shared)];
    const dave = await bearer('dave');
    // Burst 3 across both: the fourth request is refused whichever gateway gets it.
    expect([...(await statuses(a, 2, dave)), ...(await statuses(b, 1, dave))]).toEqual([200, 200, 200]);
    expectRateLimited(await ask(b, dave), /^Rate limit exceeded for this user/);
    expectRateLimited(await ask(a, dave), /^Rate limit exceeded for this user/);
    // Another user is untouched on either.
    expect(await statuses(b, 1, await bearer('erin'))).toEqual([200]);
  });

  test('concurrent requests through two gateways never get more than the burst between them', async () => {
    const shared = { REDIS_URL: REDIS_URL!, RATE_LIMIT_REDIS_PREFIX: `test:${randomUUID()}:` };
    const [a, b] = [await gateway(shared), await gateway(shared)];
    const frank = await bearer('frank');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 2 ? a : b, frank)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(3);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(9);
  });

  test('when Redis cannot be reached, requests are let through (and a warning logged) rather than refused', async () => {
    const url = await gateway({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_REDIS_PREFIX: `test:${randomUUID()}:` });
    expect(await statuses(url, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(logger.text()).toContain('rate limiter: Redis did not answer');
  });
});
