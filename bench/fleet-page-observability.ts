/**
 * Issue 16's overhead figure: the fleet page (100 VMs, through the gateway) in one process, with
 * (a) metrics recording switched off, (b) metrics recorded and /metrics scraped every second, and
 * (c) the same plus tracing exported over OTLP/HTTP to a local sink. CPU per request is compared in
 * one run, phases (a) and (b) alternating; (c) comes last because a tracer provider, once
 * registered, stays for the process. Run: `npm run bench -- fleet-page-observability`.
 */
import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { createLogger, listen, platformMetrics, startTracing } from '@platform/kernel';
import { gql } from '@platform/kernel/testing';
import { DEMO_ORGS, DEMO_PASSWORD, seedDemo, startPlatform, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 300);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const FLEET_PAGE = `query($id: ID!, $n: Int!) { organization(id: $id) {
  virtualMachines(first: $n) { edges { node { name status spec { vcpu memoryMib } product { name price { monthly { amount } } } } } }
  resourceSummary { vmCount running vcpuTotal memoryGib diskTib }
  wallet { available { amount } }
} }`;

// "Metrics off" for the comparison only: the recording methods of prom-client's metric classes become no-ops.
const recorders = [platformMetrics.operationDuration, platformMetrics.operationErrors, platformMetrics.outboxRelayed].map(
  (m) => Object.getPrototypeOf(m) as Record<string, unknown>,
);
const saved = recorders.map((proto) => ({ proto, inc: proto['inc'], observe: proto['observe'] }));
const setRecording = (on: boolean) => {
  for (const { proto, inc, observe } of saved) {
    if ('inc' in proto) proto['inc'] = on ? inc : () => undefined;
    if ('observe' in proto) proto['observe'] = on ? observe : () => undefined;
  }
};

// An OTLP/HTTP sink: accepts and discards the spans (what a collector costs us is the export, not its work).
const sink = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
const sinkPort = await listen(sink, 0, '127.0.0.1');

const dbs = await benchDatabases();
const urls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) urls[name] = await dbs.database(name);
const platform = await startPlatform({ databaseUrls: urls, logger: createLogger({}, 'error'), scryptLog2N: 14, nodeEnv: 'test' });
try {
  await seedDemo(platform);
  const login = await gql<{ logIn: { accessToken: string } }>(
    platform.gatewayUrl,
    'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }',
    {
      e: 'admin@protea.example',
      p: DEMO_PASSWORD,
    },
  );
  const token = login.data!.logIn.accessToken;
  const fleetPage = async () => {
    const r = await gql(platform.gatewayUrl, FLEET_PAGE, { id: DEMO_ORGS.protea, n: 100 }, { token });
    if (r.errors || r.status !== 200) throw new Error(JSON.stringify(r.errors));
  };
  const metricsUrl = platform.gatewayUrl.replace(/\/graphql$/, '/metrics');
  const phase = async (scrape: boolean) => {
    for (let i = 0; i < 30; i++) await fleetPage(); // warm-up
    const scraper = scrape ? setInterval(() => void fetch(metricsUrl).then((r) => r.text()), 1_000) : undefined;
    try {
      const { durations, wallMs, cpuMs, failed } = await runConcurrently(REQUESTS, CONCURRENCY, () => fleetPage());
      return summarise(durations, wallMs, cpuMs, failed);
    } finally {
      clearInterval(scraper);
    }
  };
  const runs: Record<'metricsOff' | 'metricsOn' | 'metricsAndTracing', ReturnType<typeof summarise>[]> = {
    metricsOff: [],
    metricsOn: [],
    metricsAndTracing: [],
  };
  await phase(false); // discarded: JIT and caches warm, so the first measured phase is not the slow one
  for (let round = 0; round < ROUNDS; round++) {
    setRecording(false);
    runs.metricsOff.push(await phase(false));
    setRecording(true);
    runs.metricsOn.push(await phase(true));
  }
  const tracing = startTracing('bench', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}` });
  for (let round = 0; round < ROUNDS; round++) runs.metricsAndTracing.push(await phase(true));
  await tracing.stop();

  const cpu = (list: ReturnType<typeof summarise>[]) => list.reduce((sum, s) => sum + (s.cpuMsPerRequest ?? 0), 0) / list.length;
  const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
  const result = {
    benchmark: 'fleet-page-observability',
    query: 'fleet page of 100 VMs (+ resourceSummary + wallet) through the gateway, all services in this process',
    concurrency: CONCURRENCY,
    requestsPerPhase: REQUESTS,
    rounds: ROUNDS,
    cpuMsPerRequest: { metricsOff: cpu(runs.metricsOff), metricsOn: cpu(runs.metricsOn), metricsAndTracing: cpu(runs.metricsAndTracing) },
    ratio: {
      metricsOnVsOff: ratio(cpu(runs.metricsOn), cpu(runs.metricsOff)),
      metricsAndTracingVsOff: ratio(cpu(runs.metricsAndTracing), cpu(runs.metricsOff)),
    },
    runs,
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/fleet-page-observability.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
} finally {
  await platform.stop();
  await dbs.close();
  sink.close();
}
