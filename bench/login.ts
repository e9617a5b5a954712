/**
 * Issue 9's login benchmark: `logIn` through the gateway at fixed concurrency, spread over the 18
 * demo users, with production's password cost (scrypt N = 2^17, r = 8, p = 1) unless
 * BENCH_SCRYPT_LOG2N says otherwise. Reports sign-ins/s, p50/p95 and how many were RATE_LIMITED
 * (the hashing queue full), plus a burst of 40 concurrent wrong guesses on one account.
 * Run: npx tsx bench/login.ts  (or `npm run bench -- login`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createLogger } from '@platform/kernel';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo, startPlatform, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import { gql } from '@platform/kernel/testing';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 300);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const SCRYPT_LOG2N = Number(process.env['BENCH_SCRYPT_LOG2N'] ?? 17);
const LOG_IN = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }';

const dbs = await benchDatabases();
const urls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) urls[name] = await dbs.database(name);
const platform = await startPlatform({
  databaseUrls: urls,
  logger: createLogger({}, 'error'),
  scryptLog2N: SCRYPT_LOG2N,
  nodeEnv: 'test',
});
try {
  await seedDemo(platform);
  const outcomes = { sessions: 0, rateLimited: 0, other: 0 };
  const sessionDurations: number[] = [];
  for (let i = 0; i < 18; i++) await gql(platform.gatewayUrl, LOG_IN, { e: DEMO_USERS[i % DEMO_USERS.length]!.email, p: DEMO_PASSWORD }); // warm-up
  const { durations, wallMs } = await runConcurrently(REQUESTS, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const r = await gql(platform.gatewayUrl, LOG_IN, { e: DEMO_USERS[i % DEMO_USERS.length]!.email, p: DEMO_PASSWORD });
    const code = r.errors?.[0]?.extensions?.['code'];
    if (r.data?.logIn) {
      outcomes.sessions += 1;
      sessionDurations.push(performance.now() - t0);
    } else if (code === 'RATE_LIMITED') outcomes.rateLimited += 1;
    else outcomes.other += 1;
  });
  const all = summarise(durations, wallMs);

  // The attack from the issue: 40 concurrent wrong guesses on one account.
  const checksBefore = platform.identity.services.hashing.started;
  const t0 = performance.now();
  const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => gql(platform.gatewayUrl, LOG_IN, { e: 'admin@baobab.example', p: `wrong-guess-${i}` })));
  const burstMs = Math.round(performance.now() - t0);
  const codes: Record<string, number> = {};
  for (const r of burst) codes[String(r.errors?.[0]?.extensions?.['code'])] = (codes[String(r.errors?.[0]?.extensions?.['code'])] ?? 0) + 1;

  const result = {
    benchmark: 'login',
    scrypt: `N=2^${SCRYPT_LOG2N}, r=8, p=1`,
    cores: availableParallelism(),
    concurrency: CONCURRENCY,
    outcomes,
    signInsPerSecond: Math.round((outcomes.sessions / wallMs) * 1000 * 100) / 100,
    sessions: summarise(sessionDurations, wallMs),
    allAnswers: all,
    burst40WrongGuessesOneAccount: { wallMs: burstMs, codes, passwordChecks: platform.identity.services.hashing.started - checksBefore },
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/login.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
  if (outcomes.other > 0 || (codes['INTERNAL_SERVER_ERROR'] ?? 0) > 0) process.exitCode = 1;
} finally {
  await platform.stop();
  await dbs.close();
}
