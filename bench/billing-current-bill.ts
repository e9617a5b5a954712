/**
 * Issue 12's benchmark: Organization.currentBill for the largest customer (1,200 of the 3,260 demo VMs)
 * over HTTP (token check, GraphQL, one SQL statement, rating on read), p50/p95/p99 over sequential
 * requests. Target: p95 < 50 ms. Run: npx tsx bench/billing-current-bill.ts (BENCH_REQUESTS to change).
 */
import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { gql } from '@platform/kernel/testing';
import { benchDatabases } from './lib/bench-database.ts';
import { billingWithFleet, FLEET } from './lib/billing-fleet.ts';
import { summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 200);
const TARGET_P95_MS = 50;
const CURRENT = `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization {
  currentBill { subtotal { amount } vat { amount } total { amount } projectedTotal { amount } lines(first: 100) { edges { node { description amount { amount } } } } } } } }`;

const dbs = await benchDatabases();
const fleet = await billingWithFleet(dbs, () => new Date('2026-11-20T12:00:00Z'));
try {
  const largest = fleet.customers[0]!;
  const token = await fleet.auth.userToken({ sub: 'bench', org: largest, role: 'BILLING' });
  for (let i = 0; i < 600; i++) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from vm_observations`.execute(fleet.billing.db);
    if (Number(rows[0]!.n) >= fleet.inventory.length + fleet.eventCount) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const call = async () => {
    const r = await gql(fleet.server.url, CURRENT, { id: largest }, { token });
    if (r.errors || !r.data) throw new Error(JSON.stringify(r.errors));
    return r.data as { _entities: { currentBill: { total: { amount: string }; lines: { edges: unknown[] } } }[] };
  };
  for (let i = 0; i < 20; i++) await call(); // warm-up: JIT, pool
  fleet.counter.reset();
  const durations: number[] = [];
  const started = performance.now();
  let last;
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    last = await call();
    durations.push(performance.now() - t);
  }
  const stats = summarise(durations, performance.now() - started);
  const result = {
    benchmark: 'billing-current-bill',
    virtualMachinesOfCustomer: FLEET[0],
    requests: REQUESTS,
    p50Ms: stats.p50Ms,
    p95Ms: stats.p95Ms,
    p99Ms: stats.p99Ms,
    targetP95Ms: TARGET_P95_MS,
    withinTarget: stats.p95Ms < TARGET_P95_MS,
    sqlStatementsPerRequest: Math.round((fleet.counter.count / REQUESTS) * 100) / 100,
    currentTotalZar: last?._entities[0]?.currentBill.total.amount,
    environment: {
      cpus: cpus().length,
      node: process.version,
      database: process.env['BENCH_DATABASE_URL'] ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL',
      at: new Date().toISOString(),
    },
  };
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/billing-current-bill.json', import.meta.url), text + '\n');
  if (!result.withinTarget) process.exitCode = 1;
} finally {
  await fleet.billing.stop();
  await dbs.close();
}
