/**
 * Issue 5's benchmark: the dashboard's fleet page through the gateway — an organisation's VMs (with
 * each VM's catalogue product and price), its resource totals and its wallet — for pages of 10 and
 * 100 VMs: SQL statements per request in the vms subgraph (equal when batching works), p50/p95 and
 * req/s at fixed concurrency; and the provider's resource totals over its whole fleet (3,260+ VMs).
 * Issue 17: a second gateway on the same subgraphs with MERGE_SUBGRAPH_REQUESTS=off, measured in
 * alternating rounds with the platform's (merging) one, gives CPU per request without and with
 * merging identical in-flight subgraph queries, side by side under the same machine load.
 * Run: npx tsx bench/fleet-page.ts  (or `npm run bench -- fleet`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createGateway, readGatewayConfig } from '@platform/gateway';
import { createLogger } from '@platform/kernel';
import { gql, StatementCounter } from '@platform/kernel/testing';
import { DEMO_FLEET_SIZE, DEMO_ORGS, DEMO_PASSWORD, seedDemo, startPlatform, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 600);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const SUMMARY_REQUESTS = Number(process.env['BENCH_SUMMARY_REQUESTS'] ?? 300);
const MERGE_ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
// One user at full speed would hit its per-user limit (600/min): the benchmark measures the work, not the limit.
const NO_RATE_LIMIT = { RATE_LIMIT_USER_PER_MINUTE: '0' };
const FLEET_PAGE = `query($id: ID!, $n: Int!) { organization(id: $id) {
  virtualMachines(first: $n) { edges { node { name status spec { vcpu memoryMib } product { name price { monthly { amount } } } } } }
  resourceSummary { vmCount running vcpuTotal memoryGib diskTib }
  wallet { available { amount } }
} }`;
const PROVIDER_TOTALS = `query($id: ID!) { organization(id: $id) { resourceSummary(scope: SUBTREE) { vmCount running vcpuTotal memoryGib diskTib } } }`;

const dbs = await benchDatabases();
const urls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) urls[name] = await dbs.database(name);
const counter = new StatementCounter();
const platform = await startPlatform({
  databaseUrls: urls,
  logger: createLogger({}, 'error'),
  scryptLog2N: 14,
  nodeEnv: 'test',
  onQuery: { vms: counter.record },
  gatewayEnv: NO_RATE_LIMIT,
});
// The same subgraphs behind a gateway that sends every subgraph request on its own.
const separate = createGateway(
  readGatewayConfig(
    { PORT: '0', NODE_ENV: 'test', MERGE_SUBGRAPH_REQUESTS: 'off', ...NO_RATE_LIMIT, JWKS_URL: new URL('/.well-known/jwks.json', platform.urls.identity).href },
    [],
  ),
  { logger: createLogger({}, 'error'), serviceUrls: platform.urls },
);
const separateUrl = (await separate.start()).url;
try {
  const seedStarted = performance.now();
  await seedDemo(platform);
  const seedMs = Math.round(performance.now() - seedStarted);
  const login = async (email: string) =>
    (
      await gql<{ logIn: { accessToken: string } }>(
        platform.gatewayUrl,
        'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }',
        { e: email, p: DEMO_PASSWORD },
      )
    ).data!.logIn.accessToken;
  const customer = await login('admin@protea.example'); // the largest demo customer
  const staff = await login('ops@highveld.example');

  const fleetPage = async (n: number, gatewayUrl = platform.gatewayUrl) => {
    const r = await gql(gatewayUrl, FLEET_PAGE, { id: DEMO_ORGS.protea, n }, { token: customer });
    if (r.errors || r.status !== 200) throw new Error(JSON.stringify(r.errors));
    return r.data as { organization: { virtualMachines: { edges: unknown[] } } };
  };
  // Background work (outbox relay, saga driver) runs on an uncounted handle, so one request's count is exact.
  const statementsFor = async (n: number) => {
    await fleetPage(n); // warm the caches (org directory, JWKS)
    counter.reset();
    const data = await fleetPage(n);
    if (data.organization.virtualMachines.edges.length !== n) throw new Error(`expected ${n} VMs`);
    return counter.count;
  };
  const statements = { page10: await statementsFor(10), page100: await statementsFor(100) };

  const measure = async (n: number, gatewayUrl = platform.gatewayUrl) => {
    for (let i = 0; i < 50; i++) await fleetPage(n, gatewayUrl); // warm-up
    const { durations, wallMs, cpuMs, failed } = await runConcurrently(REQUESTS, CONCURRENCY, () => fleetPage(n, gatewayUrl).then(() => undefined));
    return summarise(durations, wallMs, cpuMs, failed);
  };
  const page10 = await measure(10);
  const page100 = await measure(100);

  // Rounds of (without merging, with merging): each ratio compares two runs under about the same load.
  const mergeRounds: { n: number; without: ReturnType<typeof summarise>; with: ReturnType<typeof summarise> }[] = [];
  for (let round = 0; round < MERGE_ROUNDS; round++) {
    for (const n of [10, 100]) mergeRounds.push({ n, without: await measure(n, separateUrl), with: await measure(n, platform.gatewayUrl) });
  }
  const ratios = (n: number, figure: 'cpuMsPerRequest' | 'perSecond' | 'p50Ms') =>
    mergeRounds.filter((r) => r.n === n).map((r) => Math.round(((r.with[figure] ?? 0) / (r.without[figure] ?? 1)) * 100) / 100);
  const merging = {
    mergedSubgraphRequests: platform.gatewayService.mergedSubgraphRequests,
    rounds: mergeRounds,
    withOverWithout: {
      page10: { cpuMsPerRequest: ratios(10, 'cpuMsPerRequest'), perSecond: ratios(10, 'perSecond'), p50Ms: ratios(10, 'p50Ms') },
      page100: { cpuMsPerRequest: ratios(100, 'cpuMsPerRequest'), perSecond: ratios(100, 'perSecond'), p50Ms: ratios(100, 'p50Ms') },
    },
  };

  const totals = async () => {
    const r = await gql(platform.gatewayUrl, PROVIDER_TOTALS, { id: DEMO_ORGS.provider }, { token: staff });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return (r.data as { organization: { resourceSummary: Record<string, number> } }).organization.resourceSummary;
  };
  const fleet = await totals();
  for (let i = 0; i < 20; i++) await totals();
  const sequential = await runConcurrently(SUMMARY_REQUESTS, 1, () => totals().then(() => undefined));

  const result = {
    benchmark: 'fleet-page',
    query: 'organization → virtualMachines(first: N) { spec, product { name price } } + resourceSummary + wallet.available, through the gateway',
    organization: 'Protea Logistics (largest demo customer)',
    seededFleet: DEMO_FLEET_SIZE,
    seedMs,
    concurrency: CONCURRENCY,
    vmsSqlStatementsPerRequest: { ...statements, equal: statements.page10 === statements.page100 },
    page10,
    page100,
    merging,
    providerResourceSummary: { fleet, sequential: summarise(sequential.durations, sequential.wallMs, sequential.cpuMs, sequential.failed) },
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/fleet-page.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
  if (!result.vmsSqlStatementsPerRequest.equal) process.exitCode = 1;
} finally {
  await separate.stop();
  await platform.stop();
  await dbs.close();
}
