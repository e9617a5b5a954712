/**
 * Issue 10's ingest benchmark: sustained telemetry ingest with rollups on (5-minute and hourly, kept in the
 * same statement as the raw rows) and alert evaluation on (the subgraph's own SampleListeners — the
 * AlertEvaluator with the organisation's default CPU and memory rules, and live-sample publishing — run
 * inside every ingest before it answers, as in production), against a plain COPY of the same rows into the same raw table as the
 * ceiling. A "sample" is one VM-instant row (six metrics: CPU %, memory %, disk read/write, network rx/tx),
 * i.e. six OTLP data points. Three figures:
 *   service — TelemetryIngest.ingest on decoded OTLP batches (VM lookup, per-point validation, one transaction
 *             per batch, rollups, listeners) — the path /v1/metrics runs after reading the body;
 *   http    — the whole route: OTLP/HTTP JSON POSTed to /v1/metrics (JSON encode + parse included);
 *   copy    — COPY of the same rows (text format) into telemetry_raw, no rollups: the ceiling.
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

const VMS = Number(process.env['BENCH_TELEMETRY_VMS'] ?? 5000);
const ROUNDS = Number(process.env['BENCH_TELEMETRY_ROUNDS'] ?? 8);
const BATCH = Number(process.env['BENCH_TELEMETRY_BATCH'] ?? 5000);
const CONCURRENCY = Number(process.env['BENCH_TELEMETRY_CONCURRENCY'] ?? 2);

const dbs = await benchDatabases();
const databaseUrl = await dbs.database('telemetry_ingest');
const auth = await createTestAuth();
const tree = new TestOrgTree();
const org = tree.add(newId(), 'CUSTOMER');
const vms = createVmsSubgraph(readVmsConfig({ DATABASE_URL: databaseUrl, PORT: '0', NODE_ENV: 'test' }), {
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
  // Each method writes its own instants (20 s apart, within raw retention), so none collides with another's rows.
  const slot = Math.floor(Date.now() / 20_000) * 20_000;
  const instants = (method: number) => Array.from({ length: ROUNDS }, (_, r) => new Date(slot - (method * ROUNDS + r + 1) * 20_000));
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
  const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000);

  // Warm-up: partitions, plans, connections.
  await vms.telemetry.ingest(decodeOtlpMetrics(encodeOtlpMetrics(batchesOf(new Date(slot - 3600_000))[0]!.slice(0, 100))), {
    anyVm: true,
    canSee: async () => true,
  });

  // service: bodies built and decoded outside the timed part (the route's JSON parse is in the http figure).
  const serviceBatches = instants(0).flatMap((at) => batchesOf(at).map((b) => decodeOtlpMetrics(encodeOtlpMetrics(b))));
  let stored = 0;
  const serviceMs = await runAll(
    serviceBatches.map((batch) => async () => {
      const n = (await vms.telemetry.ingest(batch, { anyVm: true, canSee: async () => true })).storedSamples;
      stored += n;
    }),
  );

  // http: the whole route.
  const token = await auth.serviceToken('collector', ['telemetry:write']);
  const bodies = instants(1).flatMap((at) => batchesOf(at).map((b) => JSON.stringify(encodeOtlpMetrics(b))));
  let httpStored = 0;
  const httpMs = await runAll(
    bodies.map((body) => async () => {
      const response = await fetch(`${server.baseUrl}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const answer = (await response.json()) as { partialSuccess?: unknown };
      if (response.status !== 200 || answer.partialSuccess) throw new Error(`ingest refused: ${response.status} ${JSON.stringify(answer)}`);
      httpStored += body.length > 0 ? Math.min(BATCH, VMS) : 0;
    }),
  );

  // copy: the same rows, text COPY into the same raw table (no rollups): the ceiling.
  const copyRows = instants(2)
    .flatMap((at) => batchesOf(at))
    .map(
      (batch) =>
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
          .join('\n') + '\n',
    );
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  let copied = 0;
  const copyMs = await runAll(
    copyRows.map((text) => async () => {
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
        copied += text.split('\n').length - 1;
      } finally {
        client.release();
      }
    }),
  );
  await pool.end();

  const service = rate(stored, serviceMs);
  const copy = rate(copied, copyMs);
  const result = {
    bench: 'telemetry-ingest',
    unit: 'samples/s (one sample = one VM-instant row of six metrics = six OTLP data points)',
    vms: VMS,
    rounds: ROUNDS,
    batchSamples: BATCH,
    concurrency: CONCURRENCY,
    service: { samples: stored, ms: Math.round(serviceMs), samplesPerSecond: service },
    http: { samples: httpStored, ms: Math.round(httpMs), samplesPerSecond: rate(httpStored, httpMs) },
    copy: { samples: copied, ms: Math.round(copyMs), samplesPerSecond: copy },
    serviceVsCopy: Math.round((service / copy) * 100) / 100,
    listeners: 'alert evaluation (default rules of the organisation) and live-sample publishing, on every batch',
    targets: { samplesPerSecond: 20_000, vsCopy: 0.3 },
    note: 'measured on a shared 2-core machine with other work running; figures vary run to run',
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/telemetry-ingest.json', `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await vms.stop();
  await dbs.close();
}
