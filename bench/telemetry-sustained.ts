/**
 * Issue 17 item 4: telemetry sized for 100,000 VMs at 20 s — 5,000 samples/s sustained for BENCH_MINUTES
 * (default 10) while dashboards query — in the deployed shape: every service its own process (startCluster,
 * one replica each, behind nginx), the collector load in one child process, the dashboards in another.
 * A "sample" is one VM-instant (six metrics, six OTLP data points), as in bench/telemetry-ingest.ts.
 *
 * - 100,000 RUNNING VMs are inserted straight into the vms database, each copying the organisation and
 *   size of one of the demo's running VMs (so the fleet keeps the demo's spread over customers).
 * - The collector (bench/lib/otlp-load-process.ts) POSTs OTLP/HTTP JSON to vms /v1/metrics through the load
 *   balancer, each VM once every 20 s, in batches spread evenly over the 20 s.
 * - The dashboards (bench/lib/dashboard-process.ts) query the gateway at a steady rate: VM page with a 1 h
 *   and a 24 h chart, fleet page of 100 VMs with latestSample and health.
 * - Every minute: samples/s stored, ingest latency, backlog, query latency, CPU of the vms process and of the
 *   PostgreSQL backends serving the vms database, the telemetry tables' size, the rollup watermark's lag,
 *   and the WAL the vms database wrote in a 15 s window (pg_walinspect, records whose blocks are in it).
 * - At the end: rows stored and disk per tier (pg_total_relation_size of every partition, before and
 *   after) → bytes per sample and per rollup row → disk per day, per month and in steady state under the
 *   retention tiers (raw 48 h, 5 min 35 days, 1 h 400 days), at the measured rate and at the target.
 * Env: BENCH_DATABASE_URL (a PostgreSQL superuser URL; required), REDIS_URL, BENCH_MINUTES, BENCH_SUSTAINED_VMS,
 * BENCH_SUSTAINED_BATCH (VMs per POST, 1000), BENCH_SUSTAINED_IN_FLIGHT (8, as an OpenTelemetry Collector's sending queue has ~10 consumers), BENCH_DASHBOARD_QPS (3),
 * BENCH_KEEP=1 keeps the databases, BENCH_VMS_CPU_PROF=1 profiles the vms process. Writes bench/results/telemetry-sustained.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDatabase, newId, withDatabase } from '@platform/kernel';
import { DEMO_ORGS, DEMO_PASSWORD, generateClusterSecrets, startCluster, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import pg from 'pg';
import type { DashboardStart } from './lib/dashboard-process.ts';
import type { LoadMinute, LoadStart } from './lib/otlp-load-process.ts';
import { processCpuMs } from './lib/local-cpu.ts';

/** What the collector process reports over IPC. */
interface LoadMessage {
  readonly started?: { t0: number; batches: number; spacingMs: number };
  readonly minute?: LoadMinute;
  readonly done?: Record<string, unknown>;
}

/** One minute's measurements of the deployment (CPU from /proc, the database, the WAL window). */
interface Probe {
  readonly minute: number;
  readonly serviceCpuMs: Record<string, number>;
  readonly postgresBackendCpuMs: number;
  readonly telemetryBytes: number;
  readonly rollupWatermarkLagS: number | null;
  readonly wal: { readonly seconds: number; readonly vmsDbBytes: number; readonly error?: undefined } | { readonly error: string };
  readonly loadAverage: number[];
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MINUTES = env('BENCH_MINUTES', 10);
const VMS = env('BENCH_SUSTAINED_VMS', 100_000);
const INTERVAL_S = 20;
const BATCH = env('BENCH_SUSTAINED_BATCH', 1000);
const IN_FLIGHT = env('BENCH_SUSTAINED_IN_FLIGHT', 8);
const DASHBOARD_QPS = env('BENCH_DASHBOARD_QPS', 3);
const WAL_WINDOW_S = 15;
const PROBE = 'bench-sustained-probe';
const TIER_TABLES = ['telemetry_raw', 'telemetry_5m', 'telemetry_1h'] as const;
const DAY_S = 86_400;

const adminUrl = process.env['BENCH_DATABASE_URL'];
if (!adminUrl) throw new Error('BENCH_DATABASE_URL: a PostgreSQL superuser URL (the cluster runs on it)');
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const runId = randomBytes(4).toString('hex');
const prefix = `bench_sustained_${runId}_`;
const started = Date.now();
const progress = (message: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);
const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

// CPU of a service process (user + system, ms), null before it runs or once it is gone.
const cpuMsOf = (pid: number | undefined): number | null => (pid ? (processCpuMs(pid) ?? null) : null);

const databaseUrls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) {
  await ensureDatabase(adminUrl, `${prefix}${name}`);
  databaseUrls[name] = withDatabase(adminUrl, `${prefix}${name}`);
}
const secrets = generateClusterSecrets();
const serviceLog: string[] = [];
progress(`starting the cluster on databases ${prefix}<subgraph> (seeding the demo dataset first)…`);
// PostgreSQL's connections are shared with other work on this server: a start refused with "too many
// clients" is retried (the seed and migrations are idempotent).
const startOnce = () =>
  startCluster({
    databaseUrls,
    secrets,
    redisUrl,
    redisKeyPrefix: `bench-sustained-${runId}`,
    dir: path.resolve('.data', `bench-sustained-${runId}`, 'nginx'),
    logLevel: 'warn',
    // BENCH_VMS_CPU_PROF=1: a V8 CPU profile of the vms process, written to .data/bench-sustained-<id>/ when it stops.
    ...(process.env['BENCH_VMS_CPU_PROF'] === '1'
      ? {
          env: {
            vms: {
              NODE_OPTIONS: `--require ${path.join(HERE, 'lib', 'cpu-profile-preload.cjs')}`,
              CPU_PROFILE_DIR: path.resolve('.data', `bench-sustained-${runId}`, 'profile'),
            },
          },
        }
      : {}),
    onLine: (name, line) => {
      if (serviceLog.length < 200) serviceLog.push(`${name}| ${line.slice(0, 400)}`);
    },
  });
const dropDatabases = async () => {
  if (process.env['BENCH_KEEP'] === '1') return;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of SUBGRAPHS) await admin.query(`drop database if exists ${admin.escapeIdentifier(`${prefix}${name}`)} with (force)`).catch(() => undefined);
  await admin.end();
};
const cluster = await (async () => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (attempt >= 3) {
        await dropDatabases();
        throw error;
      }
      progress(`cluster start failed (${String(error).slice(0, 200)}); retrying in 20 s`);
      await new Promise((r) => setTimeout(r, 20_000));
    }
  }
})();
const probe = new pg.Pool({ connectionString: databaseUrls.vms, max: 2, application_name: PROBE });
const children: ChildProcess[] = [];
try {
  const q = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await probe.query<R>(text, values)).rows;

  // --- The fleet: VMS running VMs, each copying the organisation and size of one of the demo's running VMs.
  progress(`inserting ${VMS} RUNNING VMs…`);
  const ids = Array.from({ length: VMS }, () => newId());
  const fleet = await q<{ id: string; organization_id: string }>(
    `with template as (
       select row_number() over (order by id) - 1 as i, * from virtual_machines where status = 'RUNNING'
     ), source as (
       select t.id as vm_id, (t.i - 1) as i from unnest($1::uuid[]) with ordinality as t(id, i)
     )
     insert into virtual_machines (id, organization_id, org_path, name, product_id, vcpu, cpu_speed, memory_mib, disk_gib,
                                   storage_tier, guest_os, power_state, status, resource_pool)
     select s.vm_id, t.organization_id, t.org_path, 'sustained-' || s.i, t.product_id, t.vcpu, t.cpu_speed, t.memory_mib, t.disk_gib,
            t.storage_tier, t.guest_os, 'POWERED_ON', 'RUNNING', t.resource_pool
     from source s join template t on t.i = s.i % (select count(*) from template)
     returning id, organization_id`,
    [ids],
  );
  if (fleet.length !== VMS) throw new Error(`inserted ${fleet.length} VMs, expected ${VMS} (the demo seed has no running VM?)`);
  await q('analyze virtual_machines');
  const byOrg = new Map<string, string[]>();
  for (const vm of fleet) byOrg.set(vm.organization_id, [...(byOrg.get(vm.organization_id) ?? []), vm.id]);
  const { rows: dbRows } = await probe.query<{ oid: number }>('select oid from pg_database where datname = current_database()');
  const dbOid = dbRows[0]!.oid;
  await q('create extension if not exists pg_walinspect');

  // --- Telemetry tables: size of every partition (heap, indexes, TOAST), and rows when asked.
  const sizes = async (countRows: boolean) => {
    const out: Record<string, { bytes: number; partitions: number; rows?: number }> = {};
    for (const table of TIER_TABLES) {
      const [s] = await q<{ bytes: string; partitions: string }>(
        `select coalesce(sum(pg_total_relation_size(inhrelid)), 0) as bytes, count(*) as partitions from pg_inherits where inhparent = $1::regclass`,
        [table],
      );
      out[table] = { bytes: Number(s!.bytes), partitions: Number(s!.partitions) };
      if (countRows) out[table].rows = Number((await q<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);
    }
    return out;
  };
  const before = await sizes(true);
  progress(`telemetry before: ${JSON.stringify(before)}`);

  // --- Samplers: process CPU each minute; PostgreSQL backends of the vms database every 2 s.
  const pids = Object.fromEntries(Object.entries(cluster.replicas).map(([s, r]) => [s, r[0]!.pid]));
  const backendCpu = new Map<number, number>();
  let backendCpuMs = 0;
  const sampleBackends = async () => {
    const rows = await q<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database() and application_name <> $1`, [PROBE]);
    for (const { pid } of rows) {
      const now = cpuMsOf(pid);
      if (now === null) continue;
      backendCpuMs += now - (backendCpu.get(pid) ?? 0);
      backendCpu.set(pid, now);
    }
  };
  await sampleBackends();
  backendCpuMs = 0; // from here on
  const backendTimer = setInterval(() => void sampleBackends().catch(() => undefined), 2000);
  const lsn = async () => (await q<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn'))[0]!.lsn;
  const walWindow = async () => {
    const from = await lsn();
    const t = Date.now();
    await new Promise((r) => setTimeout(r, WAL_WINDOW_S * 1000));
    const to = await lsn();
    const seconds = (Date.now() - t) / 1000;
    const [w] = await q<{ server: string; ours: string; fpi: string; records: string }>(
      `with r as (select * from pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)),
            mine as (select distinct xid from r where block_ref ~ $3 and xid <> 0)
       select pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn) as server,
              coalesce(sum(record_length) filter (where block_ref ~ $3 or (resource_manager = 'Transaction' and xid in (select xid from mine))), 0) as ours,
              coalesce(sum(fpi_length) filter (where block_ref ~ $3), 0) as fpi,
              count(*) filter (where block_ref ~ $3) as records
       from r`,
      [from, to, `rel \\d+/${dbOid}/`],
    );
    return {
      seconds: Math.round(seconds * 10) / 10,
      serverBytes: Number(w!.server),
      vmsDbBytes: Number(w!.ours),
      vmsDbFpiBytes: Number(w!.fpi),
      vmsDbRecords: Number(w!.records),
    };
  };
  const rollupLagS = async () => {
    const [r] = await q<{ lag: number }>(`select extract(epoch from now() - rolled_until)::float8 as lag from telemetry_rollup_state`);
    return Math.round(r!.lag);
  };

  // --- The two load processes.
  const spawnChild = (file: string) => {
    const child = fork(path.join(HERE, 'lib', file), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    return child;
  };
  const load = spawnChild('otlp-load-process.ts');
  const dashboards = spawnChild('dashboard-process.ts');
  const loadMinutes: LoadMinute[] = [];
  const dashboardMinutes: { minute: number }[] = [];
  let loadDone: Record<string, unknown> | null = null;
  const loadState: { started: { t0: number; batches: number; spacingMs: number } | null } = { started: null };
  const loadFinished = new Promise<void>((resolve, reject) => {
    load.on('message', (m: LoadMessage) => {
      if (m.started) loadState.started = m.started;
      if (m.minute) loadMinutes.push(m.minute);
      if (m.done) {
        loadDone = m.done;
        resolve();
      }
    });
    load.on('exit', (code) => (loadDone ? resolve() : reject(new Error(`the load process exited (${code})`))));
  });
  const dashboardsFinished = new Promise<void>((resolve, reject) => {
    dashboards.on('message', (m: { minute?: { minute: number }; done?: true }) => {
      if (m.minute) dashboardMinutes.push(m.minute);
      if (m.done) resolve();
    });
    dashboards.on('exit', (code) => reject(new Error(`the dashboard process exited (${code})`)));
  });

  const durationMs = MINUTES * 60_000;
  const dashboardOrgs = [DEMO_ORGS.protea, DEMO_ORGS.baobab, DEMO_ORGS.fynbos];
  const emails: Record<string, string> = {
    [DEMO_ORGS.protea]: 'admin@protea.example',
    [DEMO_ORGS.baobab]: 'admin@baobab.example',
    [DEMO_ORGS.fynbos]: 'admin@fynbos.example',
  };
  const loadStart: LoadStart = {
    vmsUrl: cluster.urls.vms,
    identityUrl: cluster.urls.identity,
    collectorSecret: secrets.serviceSecrets.collector,
    vmIds: ids,
    intervalMs: INTERVAL_S * 1000,
    batch: BATCH,
    maxInFlight: IN_FLIGHT,
    durationMs,
    drainMs: 180_000,
  };
  const dashboardStart: DashboardStart = {
    gatewayUrl: cluster.gatewayUrl,
    users: dashboardOrgs.map((org) => ({ email: emails[org]!, password: DEMO_PASSWORD, organizationId: org, vmIds: (byOrg.get(org) ?? []).slice(0, 200) })),
    queriesPerSecond: DASHBOARD_QPS,
    maxInFlight: 16,
    durationMs,
  };
  const loadAtStart = loadAverage();
  const walStart = await lsn();
  load.send({ start: loadStart });
  // Dashboards start one interval later, once every VM has a first sample.
  await new Promise((r) => setTimeout(r, INTERVAL_S * 1000 + 2000));
  dashboards.send({ start: { ...dashboardStart, durationMs: durationMs - INTERVAL_S * 1000 } });
  progress(
    `load running: ${VMS} VMs every ${INTERVAL_S} s (${VMS / INTERVAL_S} samples/s target) for ${MINUTES} min; dashboards at ${DASHBOARD_QPS} queries/s`,
  );

  // --- Per-minute probes (aligned to the load's minutes).
  const probes: Probe[] = [];
  const cpuAt = () => Object.fromEntries(Object.entries(pids).map(([s, pid]) => [s, cpuMsOf(pid)]));
  let lastCpu = cpuAt();
  let lastBackend = 0;
  let running = true;
  const probing = (async () => {
    for (let minute = 1; running; minute++) {
      const minuteStart = (loadState.started?.t0 ?? Date.now()) + (minute - 1) * 60_000;
      if (Date.now() < minuteStart + 20_000) await new Promise((r) => setTimeout(r, minuteStart + 20_000 - Date.now()));
      if (!running) break;
      const wal = await walWindow().catch((error: unknown) => ({ error: String(error).slice(0, 200) }));
      const end = minuteStart + 60_000;
      while (running && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      const cpu = cpuAt();
      const cpuMs = Object.fromEntries(Object.keys(cpu).map((s) => [s, (cpu[s] ?? 0) - (lastCpu[s] ?? 0)]));
      lastCpu = cpu;
      const backend = backendCpuMs - lastBackend;
      lastBackend = backendCpuMs;
      const telemetry = await sizes(false);
      probes.push({
        minute,
        serviceCpuMs: cpuMs,
        postgresBackendCpuMs: Math.round(backend),
        telemetryBytes: Object.values(telemetry).reduce((n, t) => n + t.bytes, 0),
        rollupWatermarkLagS: await rollupLagS(),
        wal,
        loadAverage: loadAverage(),
      });
      const l = loadMinutes.find((m) => m.minute === minute);
      progress(
        `minute ${minute}: ${l ? Math.round((l.ackedSamples - l.rejectedDataPoints / 6) / 60) : '?'} samples/s stored, ingest p95 ${l?.requestMs.p95} ms, lag p95 ${l?.lagMs.p95} ms, backlog ${l?.backlogSamples}, vms CPU ${cpuMs['vms']} ms, pg ${Math.round(backend)} ms, load ${loadAverage()[0]}`,
      );
    }
  })();
  // Either may reject (a child died); Promise.all reports the first, the other must not go unhandled.
  loadFinished.catch(() => undefined);
  dashboardsFinished.catch(() => undefined);
  await Promise.all([loadFinished, dashboardsFinished]);
  running = false;
  await probing;
  clearInterval(backendTimer);
  const walEnd = await lsn();
  const loadAtEnd = loadAverage();
  progress('load finished; measuring the tables…');
  const after = await sizes(true);
  const deadTuples = await q<{ table: string; live: string; dead: string }>(
    `select p.relname as table, sum(s.n_live_tup) as live, sum(s.n_dead_tup) as dead
     from pg_inherits i join pg_class p on p.oid = i.inhparent join pg_stat_user_tables s on s.relid = i.inhrelid
     where p.relname = any($1) group by p.relname`,
    [TIER_TABLES],
  );
  await q(`vacuum (analyze) telemetry_raw, telemetry_5m, telemetry_1h`);
  const afterVacuum = await sizes(false);

  // --- Figures.
  const measuredMinutes = loadMinutes.filter((m) => m.minute <= MINUTES);
  const stored = measuredMinutes.reduce((n, m) => n + m.ackedSamples, 0) - measuredMinutes.reduce((n, m) => n + m.rejectedDataPoints, 0) / 6;
  const seconds = measuredMinutes.length * 60;
  const achieved = stored / seconds;
  const target = VMS / INTERVAL_S;
  const delta = (t: (typeof TIER_TABLES)[number]) => ({
    rows: after[t]!.rows! - before[t]!.rows!,
    bytes: after[t]!.bytes - before[t]!.bytes,
    bytesPerRow: Math.round((after[t]!.bytes - before[t]!.bytes) / Math.max(1, after[t]!.rows! - before[t]!.rows!)),
  });
  const raw = delta('telemetry_raw');
  const five = delta('telemetry_5m');
  const hour = delta('telemetry_1h');
  const sumCpu = (s: string) => probes.reduce((n, p) => n + (p.serviceCpuMs[s] ?? 0), 0);
  const backendTotal = probes.reduce((n, p) => n + p.postgresBackendCpuMs, 0);
  const walSamples = probes
    .map((p, i) => ({ wal: p.wal, rate: measuredMinutes[i] ? measuredMinutes[i]!.ackedSamples / 60 : 0 }))
    .filter((w): w is { wal: { seconds: number; vmsDbBytes: number }; rate: number } => w.wal.error === undefined && w.rate > 0);
  const walPerSample = walSamples.length
    ? Math.round(walSamples.reduce((n, w) => n + w.wal.vmsDbBytes / w.wal.seconds, 0) / walSamples.reduce((n, w) => n + w.rate, 0))
    : null;
  // Disk by tier at a given fleet size: rows per day per tier × measured bytes per row.
  const project = (fleetVms: number) => {
    const perSecond = fleetVms / INTERVAL_S;
    const rawDay = perSecond * DAY_S * raw.bytesPerRow;
    const fiveDay = fleetVms * (DAY_S / 300) * five.bytesPerRow;
    const hourDay = fleetVms * (DAY_S / 3600) * hour.bytesPerRow;
    const gb = (b: number) => Math.round(b / 1e8) / 10;
    return {
      vms: fleetVms,
      samplesPerSecond: perSecond,
      diskPerDayGB: { raw: gb(rawDay), fiveMinutes: gb(fiveDay), hour: gb(hourDay), total: gb(rawDay + fiveDay + hourDay) },
      // The first 30 days from empty: raw stops growing after its 48 h (up to 3 daily partitions).
      diskFirstMonthGB: gb(3 * rawDay + 30 * fiveDay + 30 * hourDay),
      // Retention drops whole partitions once all of one is past the tier's age: raw keeps 2–3 days, 5 min 35–36 days, 1 h 400–431 days.
      steadyStateGB: {
        raw: [gb(2 * rawDay), gb(3 * rawDay)],
        fiveMinutes: [gb(35 * fiveDay), gb(36 * fiveDay)],
        hour: [gb(400 * hourDay), gb(431 * hourDay)],
        total: [gb(2 * rawDay + 35 * fiveDay + 400 * hourDay), gb(3 * rawDay + 36 * fiveDay + 431 * hourDay)],
      },
      walPerDayGB: walPerSample === null ? null : gb(walPerSample * perSecond * DAY_S),
    };
  };
  const result = {
    bench: 'telemetry-sustained',
    unit: 'samples/s (one sample = one VM-instant row of six metrics = six OTLP data points)',
    shape: 'startCluster: 6 subgraphs + gateway, 1 replica each, each its own process, behind nginx; collector and dashboards in two more processes',
    vms: VMS,
    intervalSeconds: INTERVAL_S,
    targetSamplesPerSecond: target,
    minutes: MINUTES,
    batchVms: BATCH,
    maxInFlight: IN_FLIGHT,
    dashboardQueriesPerSecond: DASHBOARD_QPS,
    achievedSamplesPerSecond: Math.round(achieved),
    // Kept up: the target rate stored, and no more left unanswered at any minute's end than the batches in flight.
    keptUp: achieved >= 0.97 * target && measuredMinutes.every((m) => m.backlogSamples <= IN_FLIGHT * BATCH),
    drain: loadDone,
    ingestCpu: {
      vmsProcessCoreSecondsPerSecond: Math.round((sumCpu('vms') / 1000 / (probes.length * 60)) * 1000) / 1000,
      vmsProcessCpuMsPer1kSamples: Math.round((sumCpu('vms') / stored) * 1000 * 10) / 10,
      postgresBackendCpuMsPer1kSamples: Math.round((backendTotal / stored) * 1000 * 10) / 10,
      loadGeneratorCpuMsPer1kSamples: Math.round((measuredMinutes.reduce((n, m) => n + m.loadCpuMs, 0) / stored) * 1000 * 10) / 10,
      gatewayCpuMs: sumCpu('gateway'),
    },
    perMinute: measuredMinutes.map((m) => ({
      minute: m.minute,
      samplesPerSecond: Math.round((m.ackedSamples - m.rejectedDataPoints / 6) / 60),
      dueSamplesPerSecond: Math.round(m.dueSamples / 60),
      ingestRequestMs: m.requestMs,
      ingestLagMs: m.lagMs,
      backlogSamples: m.backlogSamples,
      failedRequests: m.failedRequests,
      rejectedDataPoints: m.rejectedDataPoints,
      errors: m.errorSamples,
      queries: dashboardMinutes.find((d) => d.minute === m.minute) ?? null,
      probe: probes.find((p) => p.minute === m.minute) ?? null,
    })),
    storage: {
      before,
      after,
      afterVacuum,
      liveAndDeadTuplesBeforeVacuum: deadTuples,
      added: { raw, fiveMinutes: five, hour },
      rawBytesPerSample: raw.bytesPerRow,
      walBytesPerSample: walPerSample,
      walServerBytesDuringRun: Number((await q<{ d: string }>('select pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn) as d', [walEnd, walStart]))[0]!.d),
    },
    projection: { atTarget: project(VMS), atOneMillion: project(1_000_000) },
    loadAverage: { start: loadAtStart, end: loadAtEnd, cores: os.cpus().length },
    serviceLogSample: serviceLog.slice(0, 20),
    note: 'shared 2-core machine with other sessions running; PostgreSQL 15 shared with them. CPU is per process from /proc; backends are those connected to the vms database, sampled every 2 s.',
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/telemetry-sustained.json', `${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const child of children) child.kill();
  await probe.end();
  await cluster.stop();
  await dropDatabases();
}
