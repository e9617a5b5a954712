/**
 * `npm run chaos`: the platform in configured mode (one OS process per service, a PostgreSQL and a
 * Redis of its own), a steady load, then one fault at a time with the invariants checked after each.
 * Prints a table per fault and exits non-zero when any invariant is violated.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { remoteServiceTokens } from '@platform/kernel';
import type { SubgraphName } from '@platform/platform';
import pg from 'pg';
import type { Fault, FaultContext } from './faults/fault.ts';
import { sleep } from './faults/fault.ts';
import { freezeSubgraph } from './faults/freeze-subgraph.ts';
import { gatewaySigterm } from './faults/gateway-sigterm.ts';
import { killRelay } from './faults/kill-relay.ts';
import { killSubgraph } from './faults/kill-subgraph.ts';
import { restartPostgres } from './faults/restart-postgres.ts';
import { stopRedis } from './faults/stop-redis.ts';
import { ChaosPostgres, ChaosRedis } from './infrastructure.ts';
import { InvariantChecker } from './invariants.ts';
import { startSubscribers } from './load/subscribers.ts';
import { LOAD_ORGS, logIn, startSteadyLoad } from './load/steady-load.ts';
import { startTelemetryLoad } from './load/telemetry-load.ts';
import { processPlatform } from './platform-processes.ts';
import { faultTable, type FaultRow } from './report.ts';
import { seedDatabases } from './seed.ts';
import { generateClusterSecrets, REPO_ROOT } from '@platform/platform';
import { Tally } from './tally.ts';

const started = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
const runId = Date.now().toString(36);
const runDir = path.join(REPO_ROOT, '.data', 'chaos');
const logDir = path.join(runDir, 'logs', runId);
mkdirSync(logDir, { recursive: true });

if (!ChaosRedis.available()) {
  console.error('npm run chaos needs redis-server on the PATH (apt-get install redis-server): the suite runs its own, to stop and start it.');
  process.exit(2);
}

const cleanup: (() => Promise<void>)[] = [];
let failed = false;
// Stopped early (Ctrl-C, a CI timeout): the service processes, PostgreSQL and Redis are ours to stop.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`chaos: ${signal}, stopping what the run started`);
    void (async () => {
      for (const step of cleanup.splice(0)) await step().catch(() => {});
      process.exit(130);
    })();
  });
}
try {
  log('starting a dedicated PostgreSQL and Redis');
  const postgres = await ChaosPostgres.start(path.join(runDir, 'postgres'));
  cleanup.unshift(() => postgres.down());
  const redis = await ChaosRedis.start(path.join(runDir, 'redis'));
  cleanup.unshift(() => redis.down());
  const databaseName = (name: SubgraphName) => `chaos_${name}`;
  const databaseUrl = (name: SubgraphName) => postgres.url(databaseName(name));
  const secrets = generateClusterSecrets();

  log('seeding the demo dataset (organisations, users, catalogue, balances, 3,260 VMs)');
  const seeded = await seedDatabases({ serverUrl: postgres.url('postgres'), databaseUrl, databaseName, redisUrl: redis.url, secrets });
  log(`seeded ${JSON.stringify(seeded)}`);

  const platform = await processPlatform({ databaseUrl, redisUrl: redis.url, secrets, logDir });
  cleanup.unshift(() => platform.stop());
  log(`starting 7 processes (logs in ${path.relative(process.cwd(), logDir)})`);
  await platform.start();
  log(
    `platform up: ${Object.values(platform.services)
      .map((s) => `${s.name} pid ${s.pid}`)
      .join(', ')}`,
  );

  const tokens = new Map<string, string>();
  for (const email of [...LOAD_ORGS.map((o) => o.admin), 'admin@highveld.example']) tokens.set(email, await logIn(platform.gatewayUrl, email));
  const vmsDb = new pg.Pool({ connectionString: databaseUrl('vms'), max: 1 });
  const running = await vmsDb.query<{ id: string }>(`select id from virtual_machines where status = 'RUNNING' order by id limit 50`);
  await vmsDb.end();

  const tally = new Tally();
  const subscribers = startSubscribers(platform.gatewayUrl, tokens, LOAD_ORGS);
  cleanup.unshift(async () => subscribers.stop());
  const load = startSteadyLoad({ gatewayUrl: platform.gatewayUrl, tokens, tally, runId });
  cleanup.unshift(() => load.stop());
  const telemetry = startTelemetryLoad({
    url: platform.telemetryUrl,
    tokens: remoteServiceTokens({
      identityUrl: platform.identityUrl,
      service: 'collector',
      secret: secrets.serviceSecrets.collector,
      scopes: ['telemetry:write'],
    }),
    vmIds: running.rows.map((r) => r.id),
    tally,
  });
  cleanup.unshift(() => telemetry.stop());
  const checker = new InvariantChecker({ wallet: databaseUrl('wallet'), vms: databaseUrl('vms'), billing: databaseUrl('billing') });
  cleanup.unshift(() => checker.close());

  const context: FaultContext = { platform, postgres, redis, tally, load, subscribers, tokens, log };
  const baseline: Fault = {
    name: 'steady load (no fault)',
    proves: 'the load and the invariants hold before anything breaks',
    run: async () => {
      await sleep(15_000);
      return { recoverMs: 0, violations: [], notes: [] };
    },
  };
  const faults: Fault[] = [
    baseline,
    killSubgraph,
    freezeSubgraph,
    restartPostgres,
    gatewaySigterm,
    stopRedis,
    killRelay({ vmsDatabaseUrl: databaseUrl('vms'), runId }),
  ];
  // CHAOS_FAULTS=gateway,redis runs the baseline and only the faults whose names contain one of those words.
  const only = (process.env.CHAOS_FAULTS ?? '').split(',').filter((w) => w.trim() !== '');
  const chosen = faults.filter((f) => f === baseline || only.length === 0 || only.some((w) => f.name.toLowerCase().includes(w.trim().toLowerCase())));
  const rows: FaultRow[] = [];
  for (const fault of chosen) {
    log(`fault: ${fault.name}`);
    tally.begin(fault.name);
    const crashesBefore = platform.crashes().length;
    let outcome;
    try {
      outcome = await fault.run(context);
    } catch (error) {
      outcome = { recoverMs: undefined, violations: [`the fault did not complete: ${error instanceof Error ? error.message : String(error)}`], notes: [] };
    }
    // Counted until the invariants are checked: the tail of the recovery belongs to this fault.
    const report = await checker.check();
    const violations = [
      ...outcome.violations,
      ...report.violations,
      ...platform
        .crashes()
        .slice(crashesBefore)
        .filter((c) => !outcome.violations.includes(c)),
    ];
    const leaks = tally.leaks.splice(0);
    if (leaks.length > 0) violations.push(`${leaks.length} answers leaked internals, e.g. ${leaks[0]}`);
    const row: FaultRow = {
      fault: fault.name,
      proves: fault.proves,
      counts: tally.counts(fault.name),
      recoverMs: outcome.recoverMs,
      notes: [...outcome.notes, `live status events received so far: ${subscribers.received()}`],
      figures: report.figures,
      violations,
    };
    rows.push(row);
    console.log(faultTable(row));
    // A fault that left something down would make every later table meaningless.
    if (Object.values(platform.services).some((s) => !s.running)) {
      violations.push('a service is not running after the fault');
      break;
    }
  }
  failed = rows.some((r) => r.violations.length > 0);
  console.log(
    `\nchaos: ${rows.filter((r) => r.violations.length === 0).length}/${rows.length} passed${failed ? ' — INVARIANTS VIOLATED' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
} catch (error) {
  failed = true;
  console.error('chaos run aborted:', error);
} finally {
  for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup failed:', error));
}
process.exit(failed ? 1 : 0);
