/**
 * Issue 17 (item 4): the fleet page in the deployed shape. Every service runs as its own process
 * (src/main.ts, configured mode), with 1 and then 2 replicas each behind nginx, over one PostgreSQL
 * and Redis; the load generator is another process (bench/lib/fleet-load.ts). For each cluster:
 *   - `mix`: nine customer users in seven organisations, each on their own fleet, pages of 10 and 100;
 *   - `page100`: Protea's admin, 100 VMs a page (the case bench/fleet-page.ts measures in one process);
 *   - with `--wallet` (or BENCH_WALLET=1): bill debits on one hot wallet over HTTP through nginx;
 * at concurrency 16, reporting p50/p95/req/s and the CPU per request of the whole deployment (every
 * replica, nginx, and the PostgreSQL backends on this run's databases, from /proc) and per service.
 * Background CPU with no load (pollers, relays) is measured per cluster too, so it can be told apart.
 * Run: BENCH_DATABASE_URL=… REDIS_URL=… npx tsx bench/deployed-fleet-page.ts [--wallet]
 *      (or `npm run bench -- deployed`). BENCH_REPLICAS=1,2  BENCH_REQUESTS=600  BENCH_CONCURRENCY=16
 *      BENCH_POSTINGS=1200  BENCH_WALLET_CONCURRENCY=32  BENCH_IDLE_SECONDS=5  BENCH_WARMUP=100. Needs Linux and nginx.
 */
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cpuBetween, prepareDeployment, REPORTED_SERVICES, rssMb, snapshotCpu, startBenchCluster, type BenchCluster } from './lib/deployed-cluster.ts';
import type { LoadPhase, LoadTarget } from './lib/fleet-load.ts';

const REPLICAS = (process.env['BENCH_REPLICAS'] ?? '1,2').split(',').map(Number);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 600);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const WALLET = process.argv.includes('--wallet') || process.env['BENCH_WALLET'] === '1';
const POSTINGS = Number(process.env['BENCH_POSTINGS'] ?? 1200);
const WALLET_CONCURRENCY = Number(process.env['BENCH_WALLET_CONCURRENCY'] ?? 32);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 5);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 100);
if (REPLICAS.some((n) => !Number.isInteger(n) || n < 1 || n > 8)) throw new Error('BENCH_REPLICAS: whole numbers from 1 to 8, comma-separated');

const started = Date.now();
const progress = (message: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);
const round = (n: number) => Math.round(n * 100) / 100;

const load = loadProcess();
progress('seeding the demo dataset on fresh databases…');
const deployment = await prepareDeployment();
progress(`seeded in ${deployment.seedMs} ms`);
const clusters: unknown[] = [];
const rows: Row[] = [];
const failures: { replicas: number; phase: LoadPhase; error: string }[] = [];
try {
  for (const replicas of REPLICAS) {
    progress(`starting ${replicas} replica(s) of each of ${REPORTED_SERVICES.length} services…`);
    // MERGE_SUBGRAPH_REQUESTS=off measures the gateway without in-flight request merging (the "before").
    const merge = process.env['MERGE_SUBGRAPH_REQUESTS'];
    const bench = await startBenchCluster(deployment, replicas, merge ? { gateway: { MERGE_SUBGRAPH_REQUESTS: merge } } : {});
    try {
      const { cluster } = bench;
      const target: LoadTarget = {
        gatewayUrl: cluster.gatewayUrl,
        identityUrl: cluster.urls.identity,
        walletUrl: cluster.urls.wallet,
        billingSecret: deployment.secrets.serviceSecrets.billing,
      };
      await load.ask({ login: target }, 'loggedIn');
      const phases: { phase: LoadPhase; requests: number; concurrency: number }[] = [
        { phase: 'mix', requests: REQUESTS, concurrency: CONCURRENCY },
        { phase: 'page100', requests: REQUESTS, concurrency: CONCURRENCY },
        ...(WALLET ? [{ phase: 'wallet' as const, requests: POSTINGS, concurrency: WALLET_CONCURRENCY }] : []),
      ];
      for (const phase of phases) {
        progress(`${replicas} replica(s): ${phase.phase}, ${phase.requests} requests at concurrency ${phase.concurrency}…`);
        // A broken phase (the shared PostgreSQL out of connections, say) is reported, and the run goes on
        // with the next cluster (the load generator's other workers may still be finishing this one's requests).
        const row = await load
          .ask({ warm: { phase: phase.phase, requests: WARMUP } }, 'warmed')
          .then(() => measure(bench, phase))
          .catch((error: unknown) => {
            failures.push({ replicas, phase: phase.phase, error: String(error).slice(0, 500) });
            progress(`  failed: ${String(error).slice(0, 300)}`);
            return undefined;
          });
        if (!row) break;
        rows.push(row);
        progress(
          `  p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms, ${row.perSecond}/s, ${row.cpuMsPerRequest.total} ms CPU a request (services ${row.cpuMsPerRequest.services}, nginx ${row.cpuMsPerRequest.nginx}, PostgreSQL ${row.cpuMsPerRequest.postgres})`,
        );
      }
      // After the load, so the processes are warm: what they spend with nobody asking anything.
      const idle = await idleCpu(bench);
      const idleTotal = Object.values(idle).reduce((sum, ms) => sum + ms, 0);
      for (const row of rows.filter((r) => r.replicas === replicas && r.backgroundMsPerRequest === undefined)) {
        row.backgroundMsPerRequest = round(idleTotal / row.perSecond);
      }
      clusters.push({
        replicas,
        processes: Object.values(cluster.replicas).flat().length,
        idleCpuMsPerSecond: { total: round(idleTotal), ...idle },
        rssMb: rssMb(bench.processes()),
      });
    } finally {
      await bench.stop();
    }
    await writeResult();
  }
  const result = await writeResult();
  console.log(JSON.stringify(result, null, 2));
  printTable(rows);
  if (failures.length > 0) process.exitCode = 1;
} finally {
  load.exit();
  await deployment.close();
}

interface Row {
  replicas: number;
  phase: LoadPhase;
  requests: number;
  failed?: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  perSecond: number;
  /** Milliseconds of CPU per request: everything, the services together, nginx, PostgreSQL, and each service. */
  cpuMsPerRequest: { total: number; services: number; nginx: number; postgres: number; byService: Record<string, number> };
  /** Of `cpuMsPerRequest.total`, what the idle deployment would have spent over the phase's wall time anyway. */
  backgroundMsPerRequest?: number;
  loadGeneratorCpuMsPerRequest: number;
  loadAverage1m: number;
}

async function measure(bench: BenchCluster, phase: { phase: LoadPhase; requests: number; concurrency: number }): Promise<Row> {
  const before = snapshotCpu(bench.processes());
  const result = await load.ask<Record<string, number> & { loadGeneratorCpuMsPerRequest: number }>({ run: phase }, 'result');
  const used = cpuBetween(before, snapshotCpu(bench.processes()));
  const per = (ms: number | undefined) => round((ms ?? 0) / phase.requests);
  const byService = Object.fromEntries(REPORTED_SERVICES.map((s) => [s, per(used[s])]));
  const servicesMs = REPORTED_SERVICES.reduce((sum, s) => sum + (used[s] ?? 0), 0);
  return {
    replicas: bench.replicas,
    phase: phase.phase,
    requests: result['requests']!,
    ...(result['failed'] ? { failed: result['failed'] } : {}),
    p50Ms: result['p50Ms']!,
    p95Ms: result['p95Ms']!,
    p99Ms: result['p99Ms']!,
    perSecond: result['perSecond']!,
    cpuMsPerRequest: {
      total: per(servicesMs + (used['nginx'] ?? 0) + (used['postgres'] ?? 0)),
      services: per(servicesMs),
      nginx: per(used['nginx']),
      postgres: per(used['postgres']),
      byService,
    },
    loadGeneratorCpuMsPerRequest: result.loadGeneratorCpuMsPerRequest,
    loadAverage1m: round(loadavg()[0]!),
  };
}

/** CPU milliseconds per second each group spends with no requests (relays, pollers, health checks). */
async function idleCpu(bench: BenchCluster): Promise<Record<string, number>> {
  const before = snapshotCpu(bench.processes());
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const used = cpuBetween(before, snapshotCpu(bench.processes()));
  return Object.fromEntries(Object.entries(used).map(([group, ms]) => [group, round(ms / IDLE_SECONDS)]));
}

function printTable(table: readonly Row[]) {
  const header = ['replicas', 'phase', 'p50 ms', 'p95 ms', 'req/s', 'CPU ms/req', 'idle share', ...REPORTED_SERVICES, 'nginx', 'postgres'];
  const lines = table.map((r) => [
    r.replicas,
    r.phase,
    r.p50Ms,
    r.p95Ms,
    r.perSecond,
    r.cpuMsPerRequest.total,
    r.backgroundMsPerRequest,
    ...REPORTED_SERVICES.map((s) => r.cpuMsPerRequest.byService[s]),
    r.cpuMsPerRequest.nginx,
    r.cpuMsPerRequest.postgres,
  ]);
  console.error(['', header.join(' | '), header.map(() => '---').join(' | '), ...lines.map((l) => l.join(' | '))].join('\n'));
}

/** The load generator's process, asked one thing at a time over IPC. */
function loadProcess() {
  const child = fork(fileURLToPath(new URL('./lib/fleet-load.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    ask<T>(message: object, key: string): Promise<T> {
      if (exited) return Promise.reject(new Error('the load generator has exited'));
      return new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code}) before ${key}`));
        const onMessage = (m: unknown) => {
          if (typeof m !== 'object' || m === null) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          if ('error' in m) reject(new Error(`load generator: ${String((m as { error: unknown }).error)}`));
          else resolve((m as Record<string, T>)[key]!);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(message);
      });
    },
    exit() {
      if (!exited) child.send('exit');
    },
  };
}

/** Writes what has been measured so far (after every cluster, so a later failure loses nothing). */
async function writeResult() {
  const result = {
    benchmark: 'deployed-fleet-page',
    shape: 'each service its own process (src/main.ts), N replicas behind nginx, one PostgreSQL and Redis; load generator in another process',
    query: 'organization → virtualMachines(first: N) { spec, product { name price } } + resourceSummary + wallet.available, through nginx → gateway',
    cpuPerRequest:
      'utime+stime from /proc of every replica, nginx (master and worker) and the PostgreSQL backends on this run’s databases, after minus before the phase, over its requests; Redis and PostgreSQL’s shared background processes are not counted',
    concurrency: CONCURRENCY,
    seedMs: deployment.seedMs,
    environment: { cores: availableParallelism(), node: process.version, loadAverageAtEnd: loadavg().map(round), at: new Date().toISOString() },
    rows,
    clusters,
    ...(failures.length > 0 ? { failures } : {}),
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/deployed-fleet-page.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
  return result;
}
