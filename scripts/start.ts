/**
 * `npm start`: the whole platform on one machine. Starts an embedded PostgreSQL (data in .data/)
 * unless DATABASE_URL names a server, creates one database per subgraph, migrates, seeds the demo
 * dataset when empty, starts every subgraph and the gateway, and prints where to go.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, EnvReader, ensureDatabase, startTracing, stopOnSignals, withDatabase } from '@platform/kernel';
import { startEmbeddedPostgres } from '@platform/kernel/embedded-postgres';
import { createDashboard } from '@platform/dashboard';
import { DEMO_PASSWORD, DEMO_USERS, SUBGRAPHS, seedDemo, startDemoTelemetry, startPlatform, type SubgraphName } from '@platform/platform';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('platform');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const progress = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const env = new EnvReader();
const adminUrl = env.optionalUrl('DATABASE_URL');
const logger = createLogger({}, env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'warn'));

// Whatever has started is stopped on Ctrl-C, in reverse order, from the first moment on. A step in
// flight (a platform starting) is let finish first, so nothing it starts outlives the database; the
// demo seed is told to stop instead. (Embedded, a terminal's Ctrl-C reaches PostgreSQL as well.)
const running: { stop(): Promise<void> }[] = [];
const stopping = new AbortController();
let stepInFlight: Promise<unknown> = Promise.resolve();
stopOnSignals(
  {
    async stop() {
      stopping.abort();
      progress('stopping…');
      await stepInFlight.catch(() => {});
      for (const part of running.reverse()) await part.stop();
      progress('stopped');
    },
  },
  logger,
);

/**
 * Runs a startup step; once a stop is asked for, its outcome no longer matters (the stop handler
 * exits). A stop waits for the step in flight unless `waitOnStop` is false (the seed: stopping ends it).
 */
async function step<T>(work: Promise<T>, { waitOnStop = true } = {}): Promise<T> {
  stepInFlight = waitOnStop ? work : Promise.resolve();
  try {
    const result = await work;
    if (stopping.signal.aborted) return await new Promise<never>(() => {});
    return result;
  } catch (error) {
    if (stopping.signal.aborted) return await new Promise<never>(() => {});
    throw error;
  }
}

let serverUrl: string;
if (adminUrl) {
  progress(`using PostgreSQL at ${new URL(adminUrl).host}`);
  serverUrl = adminUrl;
} else {
  const dataDir = path.join(ROOT, '.data', 'postgres');
  progress(`starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir) || dataDir})`);
  const pg = await step(startEmbeddedPostgres({ dataDir, port: env.int('EMBEDDED_PG_PORT', 54329, { min: 1, max: 65535 }) }));
  serverUrl = pg.url('postgres');
  running.push(pg);
}

// A prefix of its own lets a second platform (or the stop test) share a server without sharing data.
const prefix = env.string('PLATFORM_DATABASE_PREFIX', 'platform_');
if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error('PLATFORM_DATABASE_PREFIX: lower-case letters, digits and underscores, at most 41.');
const databaseUrls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) {
  await step(ensureDatabase(serverUrl, `${prefix}${name}`));
  databaseUrls[name] = withDatabase(serverUrl, `${prefix}${name}`);
}
progress(`databases ready: ${SUBGRAPHS.map((n) => `${prefix}${n}`).join(', ')}`);

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

// The telemetry collector's service secret, kept with the data like the key-encryption key, so
// `npm run simulate` (another process) can ask identity for a telemetry:write token.
const collectorSecretFile = path.join(ROOT, '.data', 'collector-secret');
if (!existsSync(collectorSecretFile)) {
  mkdirSync(path.dirname(collectorSecretFile), { recursive: true, mode: 0o700 });
  writeFileSync(collectorSecretFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
}
const collectorSecret = readFileSync(collectorSecretFile, 'utf8').trim();

const gatewayPort = env.int('PORT', 4000, { min: 0, max: 65535 });
// PORT=0: every port is picked by the system (a second platform on one machine, the stop test).
const subgraphPort = (port: number) => (gatewayPort === 0 ? 0 : port);
// The dashboard is served by the gateway on its own origin; built on the first start (or after a change)
// while the platform starts, reused from apps/dashboard/.dashboard-cache afterwards.
const dashboard = createDashboard({ logger });
const dashboardBuilt = dashboard.ready().then(
  () => progress('dashboard built'),
  (error: unknown) => progress(`dashboard build failed: ${error instanceof Error ? error.message : String(error)}`),
);
const starting = startPlatform({
  gatewayRoutes: dashboard.routes,
  databaseUrls,
  ports: {
    gateway: gatewayPort,
    identity: subgraphPort(4001),
    tenancy: subgraphPort(4002),
    wallet: subgraphPort(4003),
    catalog: subgraphPort(4004),
    vms: subgraphPort(4005),
    billing: subgraphPort(4006),
  },
  logger,
  keyEncryptionKey,
  serviceSecrets: { collector: collectorSecret },
  nodeEnv: 'development',
});
// Pushed as soon as it is up, so a stop asked for during the start stops it too.
void starting.then(
  (started) => running.push(started),
  () => {},
);
const platform = await step(starting);
progress(
  `subgraphs up: ${Object.entries(platform.urls)
    .map(([n, u]) => `${n} ${u}`)
    .join(', ')}`,
);

const seeded = await step(seedDemo(platform, { signal: stopping.signal, closedMonth: true }), { waitOnStop: false });
const added = Object.entries(seeded).filter(([, n]) => n > 0);
progress(
  added.length > 0
    ? `seeded ${added.map(([what, n]) => `${n} ${what.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}`).join(', ')}`
    : 'demo data already present',
);

// Telemetry: the simulator feeds every RUNNING VM every 20 s through the OTLP route; on the first start it
// also writes 24 h of 5-minute and 30 days of hourly history, in the background (the platform already serves).
const telemetry = startDemoTelemetry(platform, { logger });
running.push(telemetry);
void telemetry.backfilled.then((report) => {
  if (report.vms > 0) progress(`telemetry history written for ${report.vms} running VMs (${report.rows.toLocaleString('en')} rollup rows)`);
});

await step(dashboardBuilt);
console.log(`
  Cloud data platform is running.
  Dashboard:         ${platform.gatewayUrl.replace(/\/graphql$/, '/dashboard')}
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

  Telemetry: a simulator feeds every running VM every 20 s (OTLP/HTTP at ${platform.telemetryUrl}).
        { virtualMachine(id: "<id>") { latestSample { at cpuPercent } health { score status reasons } } }

  Ctrl-C stops everything.
`);
