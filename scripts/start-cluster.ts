/**
 * `npm run start:cluster -- --replicas 2`: the deployed shape on one machine. Every service runs as its
 * own processes (configured mode), N replicas each, over the PostgreSQL in DATABASE_URL and the Redis in
 * REDIS_URL, behind nginx (Debian's package) on PORT (default 4000), WebSocket included. Creates one
 * database per subgraph (`CLUSTER_DATABASE_PREFIX`, default `cluster_`), keeps its secrets in
 * .data/cluster/secrets.json, seeds the demo dataset when missing. Ctrl-C stops everything.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger, EnvReader, ensureDatabase, stopOnSignals, withDatabase } from '@platform/kernel';
import { DEMO_PASSWORD, DEMO_USERS, loadClusterSecrets, startCluster, SUBGRAPHS, type SubgraphName } from '@platform/platform';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { replicas: { type: 'string', default: '1' } } });
const replicas = Number(values.replicas);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) {
  console.error('--replicas: must be a whole number from 1 to 16');
  process.exit(1);
}
const env = new EnvReader();
const adminUrl = env.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
const redisUrl = env.url('REDIS_URL', 'redis://127.0.0.1:6379');
const prefix = env.optionalString('CLUSTER_DATABASE_PREFIX') ?? 'cluster_';
const port = env.int('PORT', 4000, { min: 1, max: 65535 });
const logLevel = env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'warn');
const started = Date.now();
const progress = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const databaseUrls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) {
  await ensureDatabase(adminUrl, `${prefix}${name}`);
  databaseUrls[name] = withDatabase(adminUrl, `${prefix}${name}`);
}
progress(`databases ${prefix}<subgraph> on ${new URL(adminUrl).host}; seeding the demo dataset where missing…`);
const cluster = await startCluster({
  databaseUrls,
  secrets: await loadClusterSecrets(path.join(ROOT, '.data', 'cluster', 'secrets.json')),
  redisUrl,
  redisKeyPrefix: prefix.replace(/_$/, ''),
  dir: path.join(ROOT, '.data', 'cluster', 'nginx'),
  replicas: Object.fromEntries([...SUBGRAPHS, 'gateway'].map((service) => [service, replicas])),
  gatewayPort: port,
  logLevel,
  nodeEnv: 'development',
  onLine: (name, line) => console.log(`${name.padEnd(11)}| ${line}`),
});
stopOnSignals(
  {
    async stop() {
      progress('stopping…');
      await cluster.stop();
      progress('stopped');
    },
  },
  createLogger({ service: 'start-cluster' }),
);
const pids = Object.values(cluster.replicas)
  .flat()
  .map((replica) => `${replica.name} (pid ${replica.pid}) ${replica.url}`);
progress(`${pids.length} processes behind nginx (${cluster.loadBalancer.configPath}):\n  ${pids.join('\n  ')}`);
progress(`ready: ${cluster.gatewayUrl} (HTTP and WebSocket)`);
progress(
  `demo logins (password ${DEMO_PASSWORD}): ${DEMO_USERS.slice(0, 3)
    .map((u) => u.email)
    .join(', ')}, …`,
);
