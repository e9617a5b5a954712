import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTokenVerifier } from '@platform/kernel';
import { TEST_AUDIENCE, TEST_ISSUER } from '@platform/testkit';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { postQuery } from './support/http.ts';
import { startJwksIssuer, type JwksIssuer } from './support/jwt-keys.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

// Two real gateway processes (gateway/src/main.ts, as deployed) sharing one Redis hold one bucket per principal.
const REDIS_URL = process.env['REDIS_URL'];
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let issuer: JwksIssuer;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
const children: ChildProcess[] = [];

/** Starts `tsx gateway/src/main.ts` on port 0 and reads its URL from the "gateway ready" log line. */
function startGatewayProcess(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /"msg":"gateway ready","url":"([^"]+)"/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${output.slice(-2000)}`)));
  });
}

beforeAll(async () => {
  if (!REDIS_URL) return;
  const logger = memoryLogger();
  issuer = await startJwksIssuer();
  subgraphs = await startFixtureSubgraphs({ logger, verifyToken: createTokenVerifier({ keys: issuer.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }) });
  dir = await tempDir();
  await writeFile(dir.file('supergraph.graphql'), composeFixtures());
}, 120_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
    ),
  );
  await subgraphs?.stop();
  await issuer?.stop();
  await dir?.remove();
}, 60_000);

describe.skipIf(!REDIS_URL)('rate limits across gateway processes sharing Redis', () => {
  test('a user gets its burst once between two gateway processes, not once per process', { timeout: 120_000 }, async () => {
    const env = {
      SUPERGRAPH_PATH: dir.file('supergraph.graphql'),
      JWKS_URL: issuer.url,
      SUBGRAPH_URL_ALPHA: subgraphs.alpha.url,
      SUBGRAPH_URL_BETA: subgraphs.beta.url,
      REDIS_URL: REDIS_URL!,
      RATE_LIMIT_REDIS_PREFIX: `test:${randomUUID()}:`,
      RATE_LIMIT_USER_PER_MINUTE: '6',
      RATE_LIMIT_USER_BURST: '4',
    };
    const [a, b] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
    expect(a).not.toBe(b);
    const auth = { authorization: `Bearer ${await issuer.token({ sub: 'process-user' })}` };
    const ask = async (url: string) => (await postQuery(url, '{ thing(id: "a1") { name } }', auth)).status;
    const statuses = [await ask(a), await ask(b), await ask(a), await ask(b), await ask(a), await ask(b)];
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = await postQuery(b, '{ thing(id: "a1") { name } }', auth);
    expect(refused.json().errors![0]!.extensions!['code']).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
