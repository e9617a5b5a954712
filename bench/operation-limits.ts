/**
 * Issue 13's target: the 200,000-object query (organization → virtualMachines(first: 100) → … three
 * levels) is refused in under 50 ms. Starts a production gateway on the real supergraph (no subgraph is
 * reached by a refused operation, so none runs) and times refusals over HTTP: the depth-refused issue
 * query, and a one-level-shallower one refused by cost. Prints p50/p95/p99 and writes
 * bench/results/operation-limits.json. Run: npx tsx bench/operation-limits.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createGateway, readGatewayConfig } from '@platform/gateway';
import { createLogger } from '@platform/kernel';
import { runConcurrently, summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 500);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const ORG = '0192a000-0000-7000-8000-000000000001';
const level = (first: number, inner: string) => `organization { id virtualMachines(first: ${first}) { edges { node { ${inner} } } } }`;
const QUERIES = {
  issue13Depth: `{ organization(id: "${ORG}") { virtualMachines(first: 100) { edges { node { ${level(100, level(20, 'id name'))} } } } } }`,
  shallowerCost: `{ organization(id: "${ORG}") { virtualMachines(first: 100) { edges { node { ${level(100, 'id name')} } } } } }`,
};

const unreachable = 'http://127.0.0.1:9/graphql';
const gateway = createGateway(readGatewayConfig({ PORT: '0', NODE_ENV: 'production' }, []), {
  logger: createLogger({}, 'error'),
  serviceUrls: Object.fromEntries(['identity', 'tenancy', 'wallet', 'catalog', 'vms'].map((n) => [n, unreachable])),
});
const server = await gateway.start();
const results: Record<string, unknown> = {};
try {
  for (const [name, query] of Object.entries(QUERIES)) {
    const body = JSON.stringify({ query });
    const send = async () => {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await response.json()) as { errors?: { extensions?: { limit?: string } }[] };
      if (response.status !== 400 || !json.errors?.[0]?.extensions?.limit) throw new Error(`${name} was not refused: ${JSON.stringify(json)}`);
      return json.errors[0].extensions.limit;
    };
    const limit = await send(); // warm-up
    for (let i = 0; i < 20; i++) await send();
    const { durations, wallMs } = await runConcurrently(REQUESTS, CONCURRENCY, async () => void (await send()));
    results[name] = { refusedBy: limit, concurrency: CONCURRENCY, ...summarise(durations, wallMs) };
  }
} finally {
  await gateway.stop();
}
const report = { benchmark: 'operation-limits', target: 'issue-13 query refused in < 50 ms', at: new Date().toISOString(), results };
console.log(JSON.stringify(report, null, 2));
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/operation-limits.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
