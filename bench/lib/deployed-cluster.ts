/**
 * The deployed shape for benchmarks: the demo dataset seeded once on fresh databases, then clusters
 * (every service its own processes, N replicas each, behind nginx; `startCluster`) started on those
 * databases one after another, and the CPU time of everything that serves a request, read from
 * /proc: every replica, nginx's processes and the PostgreSQL backends connected to this run's
 * databases. Needs Linux, Debian's nginx and Redis (REDIS_URL).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@platform/kernel';
import {
  generateClusterSecrets,
  NGINX_BIN,
  seedDemo,
  startCluster,
  startPlatform,
  SUBGRAPHS,
  type Cluster,
  type ClusterSecrets,
  type ServiceName,
  type SubgraphName,
} from '@platform/platform';
import { benchDatabases, type BenchDatabases } from './bench-database.ts';
import { processCpuMs } from './local-cpu.ts';

/** The order services are reported in: the edge first, then the subgraphs a fleet page reaches. */
export const REPORTED_SERVICES: readonly ServiceName[] = ['gateway', 'vms', 'catalog', 'tenancy', 'wallet', 'identity', 'billing'];

export interface Deployment {
  readonly databaseUrls: Readonly<Record<SubgraphName, string>>;
  /** The databases' names: how this run's PostgreSQL backends are told from everyone else's. */
  readonly databaseNames: readonly string[];
  /** One set for every cluster: identity's signing keys are sealed with its key in the shared database. */
  readonly secrets: ClusterSecrets;
  readonly redisUrl: string;
  /** Milliseconds the demo dataset took to load. */
  readonly seedMs: number;
  close(): Promise<void>;
}

/** Fresh databases (BENCH_DATABASE_URL's server, or an embedded one) with the demo dataset, loaded once. */
export async function prepareDeployment(): Promise<Deployment> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  if (!existsSync(NGINX_BIN)) throw new Error(`nginx not found at ${NGINX_BIN}: apt-get install -y nginx (or set NGINX_BIN)`);
  const dbs: BenchDatabases = await benchDatabases();
  const databaseUrls = {} as Record<SubgraphName, string>;
  for (const name of SUBGRAPHS) databaseUrls[name] = await dbs.database(`deployed_${name}`);
  const secrets = generateClusterSecrets();
  const started = performance.now();
  // What startCluster's own seed does, done once here so every cluster after it starts on the same data.
  const platform = await startPlatform({
    databaseUrls,
    logger: createLogger({ service: 'bench-seed' }, 'error'),
    serviceSecrets: secrets.serviceSecrets,
    keyEncryptionKey: secrets.keyEncryptionKey,
    paymentWebhookSecret: secrets.paymentWebhookSecret,
    scryptLog2N: 14,
    nodeEnv: 'test',
  });
  try {
    await seedDemo(platform);
  } finally {
    await platform.stop();
  }
  return {
    databaseUrls,
    databaseNames: Object.values(databaseUrls).map((url) => new URL(url).pathname.slice(1)),
    secrets,
    redisUrl,
    seedMs: Math.round(performance.now() - started),
    close: () => dbs.close(),
  };
}

export interface BenchCluster {
  readonly cluster: Cluster;
  readonly replicas: number;
  /** Every process serving requests, grouped by what it is: the services, `nginx`, `postgres`. */
  processes(): ProcessGroups;
  stop(): Promise<void>;
}

/** `replicas` of every service on the deployment's databases, with a fresh Redis key prefix and nginx directory. */
export async function startBenchCluster(
  deployment: Deployment,
  replicas: number,
  env: Partial<Record<ServiceName, Record<string, string>>> = {},
): Promise<BenchCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-deployed-'));
  const printed = new Map<string, number>();
  const services = REPORTED_SERVICES;
  const cluster = await startCluster({
    databaseUrls: deployment.databaseUrls,
    secrets: deployment.secrets,
    redisUrl: deployment.redisUrl,
    redisKeyPrefix: `bench-deployed-${randomBytes(4).toString('hex')}`,
    dir,
    replicas: Object.fromEntries(services.map((s) => [s, replicas])),
    seed: false,
    scryptLog2N: 14,
    logLevel: 'warn',
    readyTimeoutMs: 600_000, // a loaded machine compiles 14 processes slowly
    env: {
      // The same connections per service in total whatever the replicas (PostgreSQL here allows 100, shared).
      vms: { DATABASE_POOL_SIZE: String(Math.ceil(10 / replicas)) },
      wallet: { DATABASE_POOL_SIZE: String(Math.ceil(10 / replicas)) },
      ...env,
      // The benchmark measures the work, not the per-user limit (600/min) one user at full speed would hit.
      gateway: { RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0', ...env.gateway },
    },
    // Errors, and whatever is not a log line (an uncaught exception's stack), go to stderr.
    // The first few per replica: a broken phase repeats the same error many times.
    onLine: (name, line) => {
      if (!(line.includes('"level":"error"') || line.includes('"level":"fatal"') || !line.startsWith('{'))) return;
      printed.set(name, (printed.get(name) ?? 0) + 1);
      if (printed.get(name)! <= 3) console.error(`${name}| ${line.slice(0, 400)}`);
    },
  });
  return {
    cluster,
    replicas,
    processes: () => ({
      ...Object.fromEntries(services.map((s) => [s, cluster.replicas[s].flatMap((r) => (r.pid ? [r.pid] : []))])),
      nginx: nginxPids(dir),
      postgres: postgresBackends(deployment.databaseNames),
    }),
    async stop() {
      const crashes = Object.values(cluster.replicas).flatMap((all) => all.flatMap((replica) => replica.crashes));
      if (crashes.length > 0) console.error(`crashed during the run: ${crashes.join('; ')}`);
      await cluster.stop();
      // nginx's complaints (a replica refusing or dropping connections) explain a failed request's 502.
      const log = path.join(dir, 'error.log');
      const complaints = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
      if (complaints.length > 0) console.error(`nginx error.log (${complaints.length} lines, the last 20):\n${complaints.slice(-20).join('\n')}`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Process ids by group name. */
export type ProcessGroups = Readonly<Record<string, readonly number[]>>;

/** CPU milliseconds (user + system, every thread) of each process at one moment, with its group. */
export type CpuSnapshot = ReadonlyMap<number, { readonly group: string; readonly ms: number }>;

export function snapshotCpu(groups: ProcessGroups): CpuSnapshot {
  const snapshot = new Map<number, { group: string; ms: number }>();
  for (const [group, pids] of Object.entries(groups)) {
    for (const pid of pids) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) snapshot.set(pid, { group, ms });
    }
  }
  return snapshot;
}

/**
 * CPU milliseconds each group used between two snapshots. A process that appeared in between counts
 * whole (it started after the first); one that ended in between is lost, which for PostgreSQL means a
 * pooled connection closed after 30 s idle: it did nothing in the window.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [pid, { group, ms }] of after) used[group] = (used[group] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
  return used;
}

/** Resident memory in megabytes, summed per group. */
export function rssMb(groups: ProcessGroups): Record<string, number> {
  const pageBytes = 4096;
  const out: Record<string, number> = {};
  for (const [group, pids] of Object.entries(groups)) {
    let bytes = 0;
    for (const pid of pids) {
      try {
        bytes += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageBytes;
      } catch {
        // gone
      }
    }
    out[group] = Math.round(bytes / 1e6);
  }
  return out;
}

/** nginx's master (its pid file) and its workers (children of the master). */
function nginxPids(dir: string): number[] {
  const file = path.join(dir, 'nginx.pid');
  if (!existsSync(file)) return [];
  const master = Number(readFileSync(file, 'utf8').trim());
  return [master, ...childrenOf(master)];
}

function childrenOf(parent: number): number[] {
  return allPids().filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
    } catch {
      return false;
    }
  });
}

/** PostgreSQL backends whose process title names one of `databases` (`postgres: … user db host(port) state`). */
function postgresBackends(databases: readonly string[]): number[] {
  return allPids().filter((pid) => {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return title.startsWith('postgres:') && title.split(/[\s\0]+/).some((word) => databases.includes(word));
    } catch {
      return false;
    }
  });
}

const allPids = (): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
