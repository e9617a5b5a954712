/**
 * Issue 10's ingest benchmark: sustained telemetry ingest with rollups on and alert evaluation on (the
 * subgraph's own SampleListeners — the AlertEvaluator with the organisation's default CPU and memory rules,
 * and live-sample publishing — run inside every ingest before it answers, as in production), against a plain
 * COPY of the same rows into the same raw table as the ceiling. A "sample" is one VM-instant row (six metrics:
 * CPU %, memory %, disk read/write, network rx/tx), i.e. six OTLP data points. Figures:
 *   service     — TelemetryIngest.ingest on decoded OTLP batches (VM lookup, per-point validation, one
 *                 transaction per batch, listeners) — the path /v1/metrics runs after reading the body;
 *   http        — the whole route: OTLP/HTTP JSON POSTed to /v1/metrics (JSON encode + parse included);
 *   copy        — COPY of the same rows (text format) into telemetry_raw, no rollups: the ceiling;
 *   rollupPass  — the periodic pass that adds raw rows to both rollup tiers, timed over everything the
 *                 service and http figures stored; `sustained` charges its cost per sample to the service.
 * Like real collectors, instants move forward 20 s a round (so each VM's last-seen time moves on every third
 * round, as in production), are recent (after the rollup watermark: the fast path a live collector takes),
 * and several requests are in flight (`BENCH_TELEMETRY_CONCURRENCY`, batches of `…_BATCH` samples: the
 * Collector's batch processor sends about 8,192 points, ~1,365 samples). Rounds interleave the three methods
 * (service, http, copy on the same VMs, each at its own instant), so a ratio compares runs under the same load.
 * Targets: service ≥ 20,000 samples/s and ≥ 0.3 × copy.
 * Run: BENCH_DATABASE_URL=postgres://… npx tsx bench/telemetry-ingest.ts  (or `npm run bench -- telemetry-ingest`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createLogger, InMemoryEventBus, newId } from '@platform/kernel';
import { createTestAuth, TestOrgTree } from '@platform/kernel/testing';
import { createVmsSubgraph, decodeOtlpMetrics, encodeOtlpMetrics, profileOf, readVmsConfig, simulatedSample, type OutgoingSample } from '@platform/vms';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { benchDatabases } from './lib/bench-database.ts';
import { mergeProfiles, summariseProfile, type CpuProfile } from './lib/cpu-profile-summary.ts';
import { startCpuProfile } from './lib/cpu-profiler.ts';
import { mainThreadCpuMs, ownCpuMs, postgresServerCpuMs } from './lib/local-cpu.ts';

const VMS = Number(process.env['BENCH_TELEMETRY_VMS'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_TELEMETRY_ROUNDS'] ?? 7);
const BATCH = Number(process.env['BENCH_TELEMETRY_BATCH'] ?? 1250);
const CONCURRENCY = Number(process.env['BENCH_TELEMETRY_CONCURRENCY'] ?? 4);
/** A directory: the service rounds are profiled (V8 sampling profiler) and where their CPU went is added to the figures. */
const PROFILE_DIR = process.env['BENCH_CPU_PROFILE'];

const dbs = await benchDatabases();
const databaseUrl = await dbs.database('telemetry_ingest');
const auth = await createTestAuth();
const tree = new TestOrgTree();
const org = tree.add(newId(), 'CUSTOMER');
const vms = createVmsSubgraph(readVmsConfig({ DATABASE_URL: databaseUrl, PORT: '0', NODE_ENV: 'test', TELEMETRY_ROLLUP_INTERVAL_MS: '3600000' }), {
  logger: createLogger({}, 'error'),
  verifyToken: auth.verifyToken,
  orgDirectory: tree,
  eventBus: new InMemoryEventBus(),
  serviceTokens: async () => auth.serviceToken('vms', ['tenancy:read']),
});
const server = await vms.start();
try {
  const ids = Array.from({ length: VMS }, () => newId());
  await sql`insert into virtual_machines (id, organization_id, org_path, name, cpu_speed, disk_gib, storage_tier, guest_os, power_state, status)
    select id, ${org}::uuid, array[${org}::uuid], 'bench-' || left(id::text, 8), 'STANDARD', 100, 'STANDARD', 'UBUNTU_64', 'POWERED_ON', 'RUNNING'
    from unnest(${ids}::uuid[]) as t(id)`.execute(vms.db);
  const profiles = ids.map((id) => profileOf(id));
  // Service and http rounds alternate on instants 20 s apart from the rollup watermark on (at most 5 minutes
  // ahead of the clock, the validation limit); copy writes an hour earlier, so none collides with another's rows.
  // The periodic rollup pass is held off (hourly) and run here once, so the watermark stays put while the
  // rounds run: every instant takes ingest's fast path, and the pass is timed on its own at the end.
  await vms.services.telemetryRollups.rollUp();
  const { rows } = await sql<{ rolled_until: Date }>`select rolled_until from telemetry_rollup_state`.execute(vms.db);
  const first = Math.ceil(Math.max(rows[0]!.rolled_until.getTime(), Date.now() - 240_000) / 20_000) * 20_000;
  const instant = (round: number, method: 0 | 1) => new Date(first + (2 * (round + 1) + method) * 20_000);
  if (instant(ROUNDS - 1, 1).getTime() > Date.now() + 280_000) throw new Error('too many rounds: the last would be more than 5 minutes ahead');
  const copyInstant = (round: number) => new Date(first - 3_600_000 + (round + 1) * 20_000);
  const batchesOf = (at: Date): OutgoingSample[][] => {
    const out: OutgoingSample[][] = [];
    for (let i = 0; i < ids.length; i += BATCH)
      out.push(ids.slice(i, i + BATCH).map((id, j) => ({ vmRef: id, at, values: simulatedSample(profiles[i + j]!, at) })));
    return out;
  };
  const runAll = async (jobs: (() => Promise<void>)[]) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
    return performance.now() - started;
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const per1000 = (ms: number, samples: number) => Math.round((ms / samples) * 1000 * 10) / 10;
  const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
  const copyTextOf = (batch: OutgoingSample[]) =>
    batch
      .map((s) =>
        [
          s.vmRef,
          s.at.toISOString(),
          s.values.cpu_percent,
          s.values.memory_percent,
          s.values.disk_read_bytes_per_second,
          s.values.disk_write_bytes_per_second,
          s.values.network_receive_bytes_per_second,
          s.values.network_transmit_bytes_per_second,
        ].join('\t'),
      )
      .join('\n') + '\n';

  const token = await auth.serviceToken('collector', ['telemetry:write']);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  let stored = 0;
  let httpStored = 0;
  let copied = 0;
  let serviceMs = 0;
  let httpMs = 0;
  let copyMs = 0;
  let serviceCpuMs = 0;
  const roundRatios: number[] = [];
  const serviceProfiles: CpuProfile[] = [];
  const roundMs: { service: number; copy: number }[] = [];
  // CPU of the service's rounds by where it ran: this process's main thread, its other threads (V8's
  // garbage collector and compiler), and the PostgreSQL server's processes (local servers only).
  const serviceCpu = { mainThread: 0, otherThreads: 0, postgres: 0 };
  let copyPostgresCpuMs = 0;
  // Round −1 warms up every method (code optimised, plans cached, partitions made) and is not counted:
  // the figures are of a service that has been running, as in production.
  for (let round = -1; round < ROUNDS; round += 1) {
    const measured = round >= 0;
    // Inputs are built outside the timed parts: decoded batches (service), JSON bodies (http), COPY text (copy).
    const serviceBatches = batchesOf(instant(round, 0)).map((b) => decodeOtlpMetrics(encodeOtlpMetrics(b)));
    const bodies = batchesOf(instant(round, 1)).map((b) => JSON.stringify(encodeOtlpMetrics(b)));
    const copyTexts = batchesOf(copyInstant(round)).map(copyTextOf);
    // Building them leaves work on V8's background threads (optimising the encoder, marking): let it finish
    // rather than charge it to the service.
    await settle();

    // The server's processes are read first and last: reading /proc costs this process a few ms.
    const postgresBefore = postgresServerCpuMs();
    const profiler = PROFILE_DIR && measured ? await startCpuProfile(200) : undefined;
    const before = { process: ownCpuMs(), main: mainThreadCpuMs() };
    let roundStored = 0;
    const sMs = await runAll(
      serviceBatches.map((batch) => async () => {
        const r = await vms.telemetry.ingest(batch, { anyVm: true, canSee: async () => true });
        if (r.errorMessage) throw new Error(`ingest refused: ${r.errorMessage}`);
        roundStored += r.storedSamples;
      }),
    );
    const processMs = ownCpuMs() - before.process;
    const mainMs = mainThreadCpuMs() - before.main;
    if (profiler) serviceProfiles.push(await profiler.stop());
    const postgresMs = postgresServerCpuMs() - postgresBefore;

    let roundHttpStored = 0;
    const hMs = await runAll(
      bodies.map((body) => async () => {
        const response = await fetch(`${server.baseUrl}/v1/metrics`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        const answer = (await response.json()) as { partialSuccess?: unknown };
        if (response.status !== 200 || answer.partialSuccess) throw new Error(`ingest refused: ${response.status} ${JSON.stringify(answer)}`);
        roundHttpStored += Math.min(BATCH, VMS);
      }),
    );

    let roundCopied = 0;
    const copyPostgresBefore = postgresServerCpuMs();
    const cMs = await runAll(
      copyTexts.map((text) => async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const stream = client.query(
            copyFrom(
              'copy telemetry_raw (vm_id, at, cpu_percent, memory_percent, disk_read_bytes_per_second, disk_write_bytes_per_second, network_receive_bytes_per_second, network_transmit_bytes_per_second) from stdin',
            ),
          );
          await pipeline(Readable.from([text]), stream);
          await client.query('commit');
          roundCopied += text.split('\n').length - 1;
        } finally {
          client.release();
        }
      }),
    );
    if (!measured) continue;
    copyPostgresCpuMs += postgresServerCpuMs() - copyPostgresBefore;
    stored += roundStored;
    serviceMs += sMs;
    serviceCpuMs += processMs;
    serviceCpu.mainThread += mainMs;
    serviceCpu.otherThreads += processMs - mainMs;
    serviceCpu.postgres += postgresMs;
    httpStored += roundHttpStored;
    httpMs += hMs;
    copied += roundCopied;
    copyMs += cMs;
    roundRatios.push(Math.round((cMs / sMs) * 100) / 100);
    roundMs.push({ service: Math.round(sMs), copy: Math.round(cMs) });
  }
  await pool.end();

  // The rollup pass over everything service and http stored (what the periodic task has not done yet).
  const rollupStarted = performance.now();
  await vms.services.telemetryRollups.rollUp(new Date(instant(ROUNDS, 0).getTime() + 300_000));
  const rollupMs = performance.now() - rollupStarted;
  const rollupMsPerSample = rollupMs / (stored + httpStored);

  const service = rate(stored, serviceMs);
  const copy = rate(copied, copyMs);
  const result = {
    bench: 'telemetry-ingest',
    unit: 'samples/s (one sample = one VM-instant row of six metrics = six OTLP data points)',
    vms: VMS,
    rounds: ROUNDS,
    batchSamples: BATCH,
    concurrency: CONCURRENCY,
    service: {
      samples: stored,
      ms: Math.round(serviceMs),
      samplesPerSecond: service,
      cpuMsPer1000Samples: per1000(serviceCpuMs, stored),
      cpuMsPer1000SamplesBy: {
        mainThread: per1000(serviceCpu.mainThread, stored),
        otherThreads: per1000(serviceCpu.otherThreads, stored),
        postgres: per1000(serviceCpu.postgres, stored),
      },
    },
    http: { samples: httpStored, ms: Math.round(httpMs), samplesPerSecond: rate(httpStored, httpMs) },
    copy: { samples: copied, ms: Math.round(copyMs), samplesPerSecond: copy, postgresCpuMsPer1000Samples: per1000(copyPostgresCpuMs, copied) },
    serviceVsCopy: Math.round((service / copy) * 100) / 100,
    serviceVsCopyPerRound: roundRatios,
    msPerRound: roundMs,
    rollupPass: { samples: stored + httpStored, ms: Math.round(rollupMs), samplesPerSecond: rate(stored + httpStored, rollupMs) },
    sustained: {
      note: 'service with the rollup pass charged per sample',
      samplesPerSecond: rate(stored, serviceMs + rollupMsPerSample * stored),
      vsCopy: Math.round((rate(stored, serviceMs + rollupMsPerSample * stored) / copy) * 100) / 100,
    },
    listeners: 'alert evaluation (default rules of the organisation) and live-sample publishing (no chart open), on every batch',
    targets: { samplesPerSecond: 20_000, vsCopy: 0.3 },
    nodeFlags: process.execArgv.filter((flag) => flag !== '--import' && flag !== 'tsx'),
    note: 'measured on a shared 2-core machine with other work running; figures vary run to run',
  };
  if (PROFILE_DIR && serviceProfiles.length > 0) {
    const merged = mergeProfiles(serviceProfiles);
    await mkdir(PROFILE_DIR, { recursive: true });
    await writeFile(`${PROFILE_DIR}/telemetry-ingest-service.cpuprofile`, JSON.stringify(merged));
    Object.assign(result, { serviceProfile: summariseProfile(merged, 40) });
  }
  console.log(JSON.stringify(result, null, 2));
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/telemetry-ingest.json', `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await vms.stop();
  await dbs.close();
}
