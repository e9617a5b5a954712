import { randomBytes } from 'node:crypto';
import { createLogger } from '@platform/kernel';
import { StatementCounter } from '@platform/kernel/testing';
import { createTestDatabase, dropTestDatabases, gql } from '@platform/testkit';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-data.ts';
import { seedDemo } from './seed-demo.ts';
import { startPlatform, SUBGRAPHS, type Platform, type PlatformOptions, type SubgraphName } from './start-platform.ts';

const UNLIMITED = { RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_API_KEY_PER_MINUTE: '0', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' };

/** Cheap scrypt for tests only (2^14); production uses OWASP's 2^17. */
export const TEST_SCRYPT_LOG2N = 14;

export interface TestPlatform extends Platform {
  /** Identity's key-encryption key (base64), for tests that open a sealed signing key. */
  readonly keyEncryptionKey: string;
  /** Statements per subgraph, for batching assertions. */
  readonly statements: Readonly<Record<SubgraphName, StatementCounter>>;
  /** Logs a demo user in (by email) through the gateway; returns the access token. */
  login(email: string, organizationId?: string): Promise<string>;
  /** POST to the gateway. */
  gateway<D = any>(query: string, variables?: Record<string, unknown>, token?: string): ReturnType<typeof gql<D>>;
  close(): Promise<void>;
}

/**
 * The whole platform for one test file: fresh databases, every service on port 0, the demo
 * dataset seeded. Call `close()` in afterAll.
 */
export async function startTestPlatform(overrides: Partial<PlatformOptions> = {}): Promise<TestPlatform> {
  const databaseUrls = {} as Record<SubgraphName, string>;
  const statements = {} as Record<SubgraphName, StatementCounter>;
  for (const name of SUBGRAPHS) {
    databaseUrls[name] = await createTestDatabase(name);
    statements[name] = new StatementCounter();
  }
  const keyEncryptionKey = overrides.keyEncryptionKey ?? randomBytes(32).toString('base64');
  const platform = await startPlatform({
    databaseUrls,
    logger: createLogger({}, 'error'),
    keyEncryptionKey,
    scryptLog2N: TEST_SCRYPT_LOG2N,
    nodeEnv: 'test',
    onQuery: Object.fromEntries(SUBGRAPHS.map((n) => [n, statements[n].record])),
    ...overrides,
    // Tests sign many users in at once from one address: rate limits are off unless a test sets them.
    gatewayEnv: { ...UNLIMITED, ...overrides.gatewayEnv },
  });
  await seedDemo(platform);
  const gateway = <D>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
    gql<D>(platform.gatewayUrl, query, variables, token ? { token } : {});
  return {
    ...platform,
    keyEncryptionKey,
    statements,
    gateway,
    async login(email, organizationId) {
      const attempt = () =>
        gateway<{ logIn: { accessToken: string } }>(
          'mutation($e: String!, $p: String!, $o: ID) { logIn(email: $e, password: $p, organizationId: $o) { accessToken } }',
          { e: email, p: DEMO_PASSWORD, o: organizationId ?? null },
        );
      let r = await attempt();
      // Many tests sign several users in at once: a busy hashing queue answers RATE_LIMITED, and a client retries after the time it names.
      for (let i = 0; i < 30 && r.errors?.[0]?.extensions?.['code'] === 'RATE_LIMITED'; i++) {
        await new Promise((resolve) => setTimeout(resolve, Number(r.errors![0]!.extensions!['retryAfterSeconds'] ?? 1) * 1000));
        r = await attempt();
      }
      if (!r.data?.logIn) throw new Error(`login failed for ${email}: ${JSON.stringify(r.errors)}`);
      return r.data.logIn.accessToken;
    },
    async close() {
      await platform.stop();
      await dropTestDatabases();
    },
  };
}

/** The demo user with this email (throws if there is none). */
export function demoUser(email: string) {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`no demo user ${email}`);
  return user;
}
