/**
 * Issue 2's benchmark: the organisation-tree query through the gateway vs straight to the tenancy
 * subgraph (gateway overhead as a ratio; p50/p95 and req/s at fixed concurrency), and SQL statements
 * per request for a parent with 10 vs 100 children (equal when batching works).
 * Run: npx tsx bench/org-tree.ts  (or `npm run bench` for every benchmark).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createLogger } from '@platform/kernel';
import { gql, StatementCounter } from '@platform/kernel/testing';
import { DEMO_ORGS, DEMO_PASSWORD, seedDemo, startPlatform, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 3000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const TREE = `query($id: ID!) { organization(id: $id) { name kind children(first: 100) { totalCount edges { node { id name kind status children(first: 10) { totalCount edges { node { name } } } } } } } }`;

const dbs = await benchDatabases();
const urls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) urls[name] = await dbs.database(name);
const counter = new StatementCounter();
const platform = await startPlatform({
  databaseUrls: urls,
  logger: createLogger({}, 'error'),
  scryptLog2N: 14,
  nodeEnv: 'test',
  onQuery: { tenancy: counter.record },
});
try {
  await seedDemo(platform);
  // Two extra resellers, with 10 and 100 customers, to compare statement counts.
  const id = (n: number) => `01935c00-0000-7000-9000-${n.toString(16).padStart(12, '0')}`;
  const small = id(1);
  const large = id(2);
  await platform.tenancy.seed({
    organizations: [
      { id: small, kind: 'RESELLER', name: 'Bench Reseller 10', parentId: DEMO_ORGS.provider },
      { id: large, kind: 'RESELLER', name: 'Bench Reseller 100', parentId: DEMO_ORGS.provider },
      ...Array.from({ length: 10 }, (_, i) => ({ id: id(100 + i), kind: 'CUSTOMER' as const, name: `Small customer ${i}`, parentId: small })),
      ...Array.from({ length: 100 }, (_, i) => ({ id: id(1000 + i), kind: 'CUSTOMER' as const, name: `Large customer ${i}`, parentId: large })),
    ],
    memberships: [],
  });
  const login = await gql<{ logIn: { accessToken: string } }>(
    platform.gatewayUrl,
    'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }',
    {
      e: 'ops@highveld.example',
      p: DEMO_PASSWORD,
    },
  );
  const token = login.data!.logIn.accessToken;

  const statementsFor = async (orgId: string) => {
    await gql(platform.gatewayUrl, TREE, { id: orgId }, { token }); // warm the caches (org directory, JWKS)
    counter.reset();
    const r = await gql(platform.gatewayUrl, TREE, { id: orgId }, { token });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return counter.count;
  };
  const statements = { children10: await statementsFor(small), children100: await statementsFor(large) };

  const measure = async (url: string) => {
    for (let i = 0; i < 200; i++) await gql(url, TREE, { id: large }, { token }); // warm-up
    const { durations, wallMs, cpuMs, failed } = await runConcurrently(REQUESTS, CONCURRENCY, async () => {
      const r = await gql(url, TREE, { id: large }, { token });
      if (r.errors || r.status !== 200) throw new Error(JSON.stringify(r.errors));
    });
    return summarise(durations, wallMs, cpuMs, failed);
  };
  const subgraph = await measure(platform.urls.tenancy);
  const gateway = await measure(platform.gatewayUrl);
  const result = {
    benchmark: 'org-tree',
    query: 'organization → 100 children → their children (first 10) with totalCounts',
    concurrency: CONCURRENCY,
    sqlStatementsPerRequest: { ...statements, equal: statements.children10 === statements.children100 },
    subgraphDirect: subgraph,
    throughGateway: gateway,
    gatewayOverhead: {
      p50Ratio: Math.round((gateway.p50Ms / subgraph.p50Ms) * 100) / 100,
      p95Ratio: Math.round((gateway.p95Ms / subgraph.p95Ms) * 100) / 100,
      throughputRatio: Math.round((gateway.perSecond / subgraph.perSecond) * 100) / 100,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/org-tree.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
  if (!result.sqlStatementsPerRequest.equal) process.exitCode = 1;
} finally {
  await platform.stop();
  await dbs.close();
}
