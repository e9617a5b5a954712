/**
 * Issue 10's query benchmark: VirtualMachine.metrics p95 for windows of 1 h, 24 h, 7 days and 30 days
 * (AUTO picks raw, 5-minute or hourly data), and a page of 100 VMs with latestSample and health, against
 * the vms subgraph with a customer's token. Data: BENCH_TELEMETRY_QUERY_VMS VMs (default 200) with 2 h of raw
 * 20-second samples, 8 days of 5-minute and 31 days of hourly rollups each. Target: each p95 < 50 ms.
 * Run: BENCH_DATABASE_URL=postgres://… npx tsx bench/telemetry-queries.ts  (or `npm run bench -- telemetry-queries`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createLogger, InMemoryEventBus, newId } from '@platform/kernel';
import { createTestAuth, gql, TestOrgTree } from '@platform/kernel/testing';
import { createVmsSubgraph, profileOf, readVmsConfig, simulatedSample, type OutgoingSample } from '@platform/vms';
import { encodeOtlpMetrics } from '@platform/vms';
import { sql } from 'kysely';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const VMS = Number(process.env['BENCH_TELEMETRY_QUERY_VMS'] ?? 200);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 200);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 1);

const dbs = await benchDatabases();
const auth = await createTestAuth();
const tree = new TestOrgTree();
const org = tree.add(newId(), 'CUSTOMER');
const vms = createVmsSubgraph(readVmsConfig({ DATABASE_URL: await dbs.database('telemetry_queries'), PORT: '0', NODE_ENV: 'test' }), {
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
  const seedStarted = performance.now();
  // History first (rollups of the past), then 2 h of raw samples through the route (the rollup pass adds them to the rollups).
  await vms.backfillDemoTelemetry({ fiveMinuteHours: 8 * 24, hourDays: 31 });
  const collector = await auth.serviceToken('collector', ['telemetry:write']);
  const slot = Math.floor(Date.now() / 20_000) * 20_000;
  for (let k = 0; k < 360; k += 30) {
    const samples: OutgoingSample[] = [];
    for (let j = k; j < k + 30; j += 1) {
      const at = new Date(slot - j * 20_000);
      for (const id of ids) samples.push({ vmRef: id, at, values: simulatedSample(profileOf(id), at) });
    }
    const res = await fetch(`${server.baseUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${collector}` },
      body: JSON.stringify(encodeOtlpMetrics(samples)),
    });
    if (!res.ok) throw new Error(`ingest: HTTP ${res.status}`);
  }
  // Steady state: the rollup pass (a periodic task) has rolled up all but the last minute; queries add that tail from raw.
  await vms.services.telemetryRollups.rollUp();
  await sql`analyze`.execute(vms.db);
  const seedMs = Math.round(performance.now() - seedStarted);

  const token = await auth.userToken({ sub: newId(), org, role: 'VIEWER' });
  const METRICS = `query($id: ID!, $from: DateTime!) { virtualMachine(id: $id) { metrics(from: $from) { resolution stepSeconds timestamps
    cpuPercent { avg max } memoryPercent { avg max } diskReadBytesPerSecond { avg max } diskWriteBytesPerSecond { avg max }
    networkReceiveBytesPerSecond { avg max } networkTransmitBytesPerSecond { avg max } } } }`;
  const PAGE = `query($o: [_Any!]!) { _entities(representations: $o) { ... on Organization { virtualMachines(first: 100) { edges { node {
    id name latestSample { at cpuPercent memoryPercent } health { score status reasons } } } } } } }`;
  const windows: [string, number][] = [
    ['1h', 3600_000],
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
    ['30d', 30 * 86_400_000],
  ];
  const results: Record<string, unknown> = {};
  for (const [label, span] of windows) {
    let shape = '';
    const run = async (i: number) => {
      const r = await gql(server.url, METRICS, { id: ids[i % ids.length], from: new Date(Date.now() - span).toISOString() }, { token });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      const m = (r.data as any).virtualMachine.metrics;
      shape = `${m.resolution}/${m.stepSeconds}s/${m.timestamps.length} points`;
    };
    await run(0);
    const { durations, wallMs } = await runConcurrently(REQUESTS, CONCURRENCY, run);
    results[`metrics_${label}`] = { series: shape, ...summarise(durations, wallMs) };
  }
  const page = async () => {
    const r = await gql(server.url, PAGE, { o: [{ __typename: 'Organization', id: org }] }, { token });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
  };
  await page();
  const p = await runConcurrently(Math.round(REQUESTS / 2), CONCURRENCY, page);
  results['page_100_vms_latest_and_health'] = summarise(p.durations, p.wallMs);
  const result = {
    bench: 'telemetry-queries',
    vms: VMS,
    concurrency: CONCURRENCY,
    seedMs,
    ...results,
    targetP95Ms: 50,
    note: 'straight to the vms subgraph over HTTP; shared 2-core machine with other work running',
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/telemetry-queries.json', `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await vms.stop();
  await dbs.close();
}
