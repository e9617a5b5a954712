/**
 * Issue 11's subscription benchmark: 1,000 then 10,000 subscribers on one gateway, 10 per VM
 * (`virtualMachineMetrics(id)`), each VM producing one sample a second. Samples enter through the
 * vms subgraph's live SampleListener (the hook telemetry ingest calls), then travel the real path:
 * vms live hub → vms graphql-ws → gateway upstream (shared) → planner execution → each client.
 * The clients run in a child process (bench/lib/subscriber-process.ts). Reports delivery latency
 * p50/p99 (sample time → client receipt), events dropped, the RSS of the process holding the gateway
 * (and, embedded, the subgraphs: an upper bound for the gateway), and upstream subscriptions per client.
 * Run: npx tsx bench/subscriptions.ts  (or `npm run bench -- subscriptions`).
 * BENCH_SUBSCRIBERS=1000,10000  BENCH_SECONDS=10  BENCH_SUBS_PER_CONNECTION=10 (file descriptors: two per connection in one process)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@platform/kernel';
import { DEMO_ORGS, DEMO_PASSWORD, seedDemo, startPlatform, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import { gql } from '@platform/kernel/testing';
import { benchDatabases } from './lib/bench-database.ts';

const SCENARIOS = (process.env['BENCH_SUBSCRIBERS'] ?? '1000,10000').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const PER_VM = 10;
const SUBS_PER_CONNECTION = Number(process.env['BENCH_SUBS_PER_CONNECTION'] ?? 10);
const METRICS = 'subscription($id: ID!) { virtualMachineMetrics(id: $id) { vmId at cpuPercent } }';
const VM_PAGE = `query($org: ID!, $after: String) { organization(id: $org) { virtualMachines(scope: SUBTREE, first: 100, after: $after) {
  edges { node { id organization { id } } } pageInfo { hasNextPage endCursor } } } }`;

const dbs = await benchDatabases();
const urls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) urls[name] = await dbs.database(name);
const platform = await startPlatform({ databaseUrls: urls, logger: createLogger({}, 'error'), nodeEnv: 'test', scryptLog2N: 14 });
const results: unknown[] = [];
try {
  await seedDemo(platform);
  const login = await gql(platform.gatewayUrl, 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }', {
    e: 'ops@highveld.example',
    p: DEMO_PASSWORD,
  });
  const token = login.data.logIn.accessToken as string;
  const vms: { id: string; organizationId: string }[] = [];
  for (let after: string | null = null; vms.length < Math.max(...SCENARIOS) / PER_VM;) {
    const page: any = await gql(platform.gatewayUrl, VM_PAGE, { org: DEMO_ORGS.provider, after }, { token });
    const conn = page.data.organization.virtualMachines;
    vms.push(...conn.edges.map((e: any) => ({ id: e.node.id, organizationId: e.node.organization.id })));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  for (const subscribers of SCENARIOS) results.push(await scenario(subscribers, token, vms.slice(0, subscribers / PER_VM)));
  const result = {
    benchmark: 'subscriptions',
    cores: availableParallelism(),
    secondsPerScenario: SECONDS,
    perVm: PER_VM,
    subscriptionsPerConnection: SUBS_PER_CONNECTION,
    scenarios: results,
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/subscriptions.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
} finally {
  await platform.stop();
  await dbs.close();
}

async function scenario(subscribers: number, token: string, vms: { id: string; organizationId: string }[]) {
  if (vms.length * PER_VM < subscribers) throw new Error(`only ${vms.length} VMs for ${subscribers} subscribers`);
  const child = fork(fileURLToPath(new URL('./lib/subscriber-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const reply = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if (typeof m === 'object' && m !== null && key in m) {
          child.off('message', onMessage);
          resolve((m as Record<string, T>)[key]!);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`subscriber process exited (${code}) before ${key}`)));
    });
  const subscribed = reply<number>('subscribed');
  child.send({
    start: { gatewayUrl: platform.gatewayUrl, token, vmIds: vms.map((v) => v.id), subscribers, perConnection: SUBS_PER_CONNECTION, query: METRICS },
  });
  await subscribed;
  const stats = () => platform.gatewayService.subscriptions!.stats();
  const deadline = Date.now() + 120_000;
  while ((stats().subscriptions < subscribers || platform.vms.services.live.subscriptions < vms.length) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const ready = stats();

  // Every VM one sample a second, spread over ten slices of 100 ms.
  const slices = 10;
  let tick = 0;
  const producer = setInterval(() => {
    const slice = tick++ % slices;
    const at = new Date();
    const batch = vms.filter((_, i) => i % slices === slice).map((vm) => ({ vmId: vm.id, organizationId: vm.organizationId, at, values: { cpu_percent: 50 } }));
    void platform.vms.liveSamples.onSamples(batch); // a bench producer: a failure shows as missing deliveries
  }, 1000 / slices);
  await new Promise((r) => setTimeout(r, 2_000)); // warm-up
  child.send('measure');
  const t0 = Date.now();
  let rssPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const reported = reply<ClientReport>('report');
  child.send('report');
  const clients = await reported;
  const wallMs = Date.now() - t0;
  clearInterval(producer);
  clearInterval(sampler);
  const end = stats();
  await new Promise((r) => setTimeout(r, 1_500));

  const expected = Math.round((subscribers * wallMs) / 1000);
  return {
    subscribers,
    vms: vms.length,
    connections: Math.ceil(subscribers / SUBS_PER_CONNECTION),
    eventsInPerSecond: vms.length,
    messagesOutPerSecond: Math.round((clients.received / wallMs) * 1000),
    expectedMessages: expected,
    receivedMessages: clients.received,
    latencyMs: clients.latencyMs,
    droppedEvents: {
      gatewayCounted: end.droppedEvents,
      reportedToClients: clients.droppedReported,
      notReceivedInWindow: Math.max(0, expected - clients.received),
    },
    errors: clients.errors,
    errorSamples: clients.errorSamples,
    gatewayProcessRssMbPeak: Math.round(rssPeak / 1e6),
    clientProcessRssMb: clients.clientRssMb,
    upstreamSubscriptions: ready.upstreamSubscriptions,
    upstreamSubscriptionsPerClient: Math.round((ready.upstreamSubscriptions / subscribers) * 1000) / 1000,
    upstreamConnections: ready.upstreamConnections,
    loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
    target: subscribers === 10_000 ? { p99BelowMs: 250, rssBelowMb: 1000 } : undefined,
  };
}

interface ClientReport {
  received: number;
  errors: number;
  errorSamples: string[];
  droppedReported: number;
  clientRssMb: number;
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
}
