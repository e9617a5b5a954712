/**
 * `npm start`: the whole platform on one machine. Starts an embedded PostgreSQL (data in .data/)
 * unless DATABASE_URL names a server, creates one database per subgraph, migrates, seeds the demo
 * dataset when empty, starts every subgraph and the gateway, and prints where to go.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, EnvReader, ensureDatabase, stopOnSignals, withDatabase } from '@platform/kernel';
import { startEmbeddedPostgres } from '@platform/kernel/embedded-postgres';
import { DEMO_PASSWORD, DEMO_USERS, SUBGRAPHS, seedDemo, startPlatform, type SubgraphName } from '@platform/platform';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const progress = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const env = new EnvReader();
const adminUrl = env.optionalUrl('DATABASE_URL');
const logger = createLogger({}, env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'warn'));

// Whatever has started is stopped on Ctrl-C, in reverse order, from the first moment on.
const running: { stop(): Promise<void> }[] = [];
stopOnSignals(
  {
    async stop() {
      progress('stopping…');
      for (const part of running.reverse()) await part.stop();
      progress('stopped');
    },
  },
  logger,
);

let serverUrl: string;
if (adminUrl) {
  progress(`using PostgreSQL at ${new URL(adminUrl).host}`);
  serverUrl = adminUrl;
} else {
  const dataDir = path.join(ROOT, '.data', 'postgres');
  progress(`starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir) || dataDir})`);
  const pg = await startEmbeddedPostgres({ dataDir, port: env.int('EMBEDDED_PG_PORT', 54329, { min: 1, max: 65535 }) });
  serverUrl = pg.url('postgres');
  running.push(pg);
}

const databaseUrls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) {
  await ensureDatabase(serverUrl, `platform_${name}`);
  databaseUrls[name] = withDatabase(serverUrl, `platform_${name}`);
}
progress(`databases ready: ${SUBGRAPHS.map((n) => `platform_${n}`).join(', ')}`);

// Identity's key-encryption key: KEY_ENCRYPTION_KEY when set, else one generated once and kept with
// the data (.data/key-encryption-key, mode 0600), so a restart can open the signing keys it sealed.
const kekFile = path.join(ROOT, '.data', 'key-encryption-key');
let keyEncryptionKey = env.optionalString('KEY_ENCRYPTION_KEY');
if (!keyEncryptionKey) {
  if (!existsSync(kekFile)) {
    mkdirSync(path.dirname(kekFile), { recursive: true, mode: 0o700 });
    writeFileSync(kekFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    progress(`generated a key-encryption key in ${path.relative(process.cwd(), kekFile) || kekFile}`);
  }
  keyEncryptionKey = readFileSync(kekFile, 'utf8').trim();
}

const gatewayPort = env.int('PORT', 4000, { min: 0, max: 65535 });
const platform = await startPlatform({
  databaseUrls,
  ports: { gateway: gatewayPort, identity: 4001, tenancy: 4002, wallet: 4003, catalog: 4004, vms: 4005 },
  logger,
  keyEncryptionKey,
  nodeEnv: 'development',
});
running.push(platform);
progress(
  `subgraphs up: ${Object.entries(platform.urls)
    .map(([n, u]) => `${n} ${u}`)
    .join(', ')}`,
);

const seeded = await seedDemo(platform);
const added = Object.entries(seeded).filter(([, n]) => n > 0);
progress(
  added.length > 0
    ? `seeded ${added.map(([what, n]) => `${n} ${what.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}`).join(', ')}`
    : 'demo data already present',
);

console.log(`
  Cloud data platform is running.
  Explorer and API:  ${platform.gatewayUrl}
  Health:            ${platform.gatewayUrl.replace('/graphql', '/health')}

  Demo logins (password for all: ${DEMO_PASSWORD})
${DEMO_USERS.filter((_, i) => [0, 3, 9, 10, 11].includes(i))
  .map((u) => `    ${u.email.padEnd(28)} ${u.role.padEnd(7)} ${u.displayName}`)
  .join('\n')}
    … ${DEMO_USERS.length} users in all (apps/platform/src/demo-data.ts)

  Try:  mutation { logIn(email: "${DEMO_USERS[9]!.email}", password: "${DEMO_PASSWORD}") { accessToken } }
  Then, with the header  Authorization: Bearer <accessToken>:
        { me { email memberships { role organization { name children { totalCount } } } } }

  Ctrl-C stops everything.
`);
