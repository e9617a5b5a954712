/**
 * Issue 5's benchmark: the dashboard's fleet page through the gateway — an organisation's VMs (with
 * each VM's catalogue product and price), its resource totals and its wallet — for pages of 10 and
 * 100 VMs: SQL statements per request in the vms subgraph (equal when batching works), p50/p95 and
 * req/s at fixed concurrency; and the provider's resource totals over its whole fleet (3,260+ VMs).
 * Run: npx tsx bench/fleet-page.ts  (or `npm run bench -- fleet`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createLogger } from '@platform/kernel';
import { gql, StatementCounter } from '@platform/kernel/testing';
import { DEMO_FLEET_SIZE, DEMO_ORGS, DEMO_PASSWORD, seedDemo, startPlatform, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 600);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const SUMMARY_REQUESTS = Number(process.env['BENCH_SUMMARY_REQUESTS'] ?? 300);
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
});
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

  const fleetPage = async (n: number) => {
    const r = await gql(platform.gatewayUrl, FLEET_PAGE, { id: DEMO_ORGS.protea, n }, { token: customer });
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

  const measure = async (n: number) => {
    for (let i = 0; i < 50; i++) await fleetPage(n); // warm-up
    const { durations, wallMs, cpuMs, failed } = await runConcurrently(REQUESTS, CONCURRENCY, () => fleetPage(n).then(() => undefined));
    return summarise(durations, wallMs, cpuMs, failed);
  };
  const page10 = await measure(10);
  const page100 = await measure(100);

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
    providerResourceSummary: { fleet, sequential: summarise(sequential.durations, sequential.wallMs, sequential.cpuMs, sequential.failed) },
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/fleet-page.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
  if (!result.vmsSqlStatementsPerRequest.equal) process.exitCode = 1;
} finally {
  await platform.stop();
  await dbs.close();
}
