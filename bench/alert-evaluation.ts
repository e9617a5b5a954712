/**
 * Issue 10 item 5's benchmark: alert evaluation as samples arrive (the SampleListener the ingest calls
 * after each committed batch). Over a demo-sized fleet (3,300 RUNNING VMs, 11 customers), batches of one
 * sample per VM every 20 s of sample time, ~5 % of VMs running hot (so alerts open, fire and resolve),
 * measured (a) one batch at a time and (b) with 4 batches of disjoint VMs in flight, as concurrent
 * collectors would. Prints samples/s and per-batch p50/p95; the ingest target is ≥ 20,000 samples/s.
 * Run: npx tsx bench/alert-evaluation.ts  (or `npm run bench -- alert`; BENCH_ROUNDS to change the load).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createLogger, InMemoryEventBus, newId } from '@platform/kernel';
import { createTestAuth, TestOrgTree } from '@platform/kernel/testing';
import { createVmsSubgraph, readVmsConfig, type IngestedSample } from '@platform/vms';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 30);
const FLEET = 3300;
const T0 = Date.parse('2026-11-29T00:00:00Z');

const dbs = await benchDatabases();
const auth = await createTestAuth();
const tree = new TestOrgTree();
const provider = tree.add(newId(), 'PROVIDER');
const reseller = tree.add(newId(), 'RESELLER', provider);
const customers = Array.from({ length: 11 }, (_, i) => ({ id: tree.add(newId(), 'CUSTOMER', reseller), slug: `c${i}`, weight: 1 }));
const vms = createVmsSubgraph(readVmsConfig({ DATABASE_URL: await dbs.database('vms'), PORT: '0', NODE_ENV: 'production', LOG_LEVEL: 'error' }), {
  logger: createLogger({ service: 'alert-bench' }, 'error'),
  verifyToken: auth.verifyToken,
  orgDirectory: tree,
  eventBus: new InMemoryEventBus(),
  serviceTokens: async () => auth.serviceToken('vms', []),
});

try {
  const product = { id: newId(), sku: 'VM-S', vcpu: 2, cpuSpeed: 'STANDARD' as const, memoryGib: 4, diskGib: 100, storageTier: 'STANDARD' as const };
  await vms.seedFleet(
    customers.map((c) => ({ ...c, orgPath: [provider, reseller, c.id] })),
    [product],
    FLEET,
  );
  const fleet = await vms.db.selectFrom('virtual_machines').select(['id', 'organization_id']).where('status', '=', 'RUNNING').orderBy('id').execute();
  const evaluator = vms.alerting.evaluator;
  // VM i runs hot in rounds where (i + round) % 20 === 0 .. a 5 % share at any time, moving around the fleet.
  const batch = (vmsOf: typeof fleet, round: number): IngestedSample[] =>
    vmsOf.map((vm, i) => ({
      vmId: vm.id,
      organizationId: vm.organization_id,
      at: new Date(T0 + round * 20_000),
      values: { cpu_percent: (i + Math.floor(round / 16)) % 20 === 0 ? 96 : 30 + (i % 40), memory_percent: 50 + (i % 30) },
    }));
  await evaluator.onSamples(batch(fleet, 0)); // seeds default rules, warms the pool

  const sequential = await runConcurrently(ROUNDS, 1, (r) => evaluator.onSamples(batch(fleet, r + 1)));
  const quarter = Math.ceil(fleet.length / 4);
  const parts = [0, 1, 2, 3].map((p) => fleet.slice(p * quarter, (p + 1) * quarter));
  const concurrent = await runConcurrently(ROUNDS * 4, 4, (i) => evaluator.onSamples(batch(parts[i % 4]!, ROUNDS + 1 + Math.floor(i / 4))));

  const counts = await vms.db
    .selectFrom('alerts')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  const perSecond = (samples: number, wallMs: number) => Math.round((samples / wallMs) * 1000);
  const result = {
    benchmark: 'alert-evaluation',
    fleet: fleet.length,
    rules: 'organisation defaults: CPU > 90 % for 5 min, memory > 95 % for 5 min (HIGH)',
    sequential: {
      batchSamples: fleet.length,
      ...summarise(sequential.durations, sequential.wallMs),
      samplesPerSecond: perSecond(fleet.length * ROUNDS, sequential.wallMs),
    },
    concurrent4: {
      batchSamples: quarter,
      ...summarise(concurrent.durations, concurrent.wallMs),
      samplesPerSecond: perSecond(quarter * ROUNDS * 4, concurrent.wallMs),
    },
    alertsByStatus: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
    target: '≥ 20,000 samples/s for the whole ingest path (this is its alerting share)',
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/alert-evaluation.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
} finally {
  await vms.stop();
  await dbs.close();
}
