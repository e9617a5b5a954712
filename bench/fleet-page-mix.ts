/**
 * Issue 17: the fleet page's CPU per request, split between the gateway and the subgraphs, for a
 * realistic mix of callers. The six subgraphs run in a child process (bench/lib/platform-process.ts);
 * this process runs a gateway (merging identical in-flight subgraph requests, as deployed) and the
 * load. Phases: one user's page of 10, one user's page of 100, and the mix: users of seven customers,
 * two resellers and the provider in rotation, each asking for its own (or a customer's) page of 10 or
 * 100, so merging helps little and the subgraphs' own work shows. CPU per request is given per
 * process: `subgraphs` (child) and `gateway` (this process: gateway and load driver).
 * BENCH_CPU_PROFILE=DIR profiles both processes during the mix and adds where the time went, by area.
 * Run: npx tsx bench/fleet-page-mix.ts  (or `npm run bench -- fleet-page-mix`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway, readGatewayConfig } from '@platform/gateway';
import { createLogger } from '@platform/kernel';
import { gql } from '@platform/kernel/testing';
import { DEMO_ORGS, DEMO_PASSWORD } from '@platform/platform';
import { perRequest, summariseProfile } from './lib/cpu-profile-summary.ts';
import { startCpuProfile } from './lib/cpu-profiler.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 600);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const PROFILE_DIR = process.env['BENCH_CPU_PROFILE'];
const FLEET_PAGE = `query($id: ID!, $n: Int!) { organization(id: $id) {
  virtualMachines(first: $n) { edges { node { name status spec { vcpu memoryMib } product { name price { monthly { amount } } } } } }
  resourceSummary { vmCount running vcpuTotal memoryGib diskTib }
  wallet { available { amount } }
} }`;

/** Who asks for which organisation's page in the mix: customers their own, resellers and staff a customer's. */
const MIX: readonly { email: string; org: string }[] = [
  { email: 'admin@protea.example', org: DEMO_ORGS.protea },
  { email: 'dev@protea.example', org: DEMO_ORGS.protea },
  { email: 'viewer@protea.example', org: DEMO_ORGS.protea },
  { email: 'admin@baobab.example', org: DEMO_ORGS.baobab },
  { email: 'admin@fynbos.example', org: DEMO_ORGS.fynbos },
  { email: 'admin@kalahari.example', org: DEMO_ORGS.kalahari },
  { email: 'admin@springbok.example', org: DEMO_ORGS.springbok },
  { email: 'admin@umhlanga.example', org: DEMO_ORGS.umhlanga },
  { email: 'admin@tablebay.example', org: DEMO_ORGS.tableBay },
  { email: 'owner@karoo.example', org: DEMO_ORGS.baobab },
  { email: 'owner@atlantic.example', org: DEMO_ORGS.kalahari },
  { email: 'ops@highveld.example', org: DEMO_ORGS.springbok },
  { email: 'admin@highveld.example', org: DEMO_ORGS.protea },
];

const child: ChildProcess = fork(fileURLToPath(new URL('./lib/platform-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
const replies: ((message: Record<string, unknown>) => void)[] = [];
child.on('message', (message) => replies.shift()?.(message as Record<string, unknown>));
const ask = (message: unknown) =>
  new Promise<Record<string, unknown>>((resolve) => {
    replies.push(resolve);
    if (message !== undefined) child.send(message as string);
  });
const { ready } = (await ask(undefined)) as { ready: { urls: Record<string, string>; identityUrl: string } };
const childCpuMs = async () => ((await ask('cpu')) as { cpu: number }).cpu / 1000;

const gateway = createGateway(
  readGatewayConfig({ PORT: '0', NODE_ENV: 'test', RATE_LIMIT_USER_PER_MINUTE: '0', JWKS_URL: new URL('/.well-known/jwks.json', ready.identityUrl).href }, []),
  { logger: createLogger({}, 'error'), serviceUrls: ready.urls as never },
);
const gatewayUrl = (await gateway.start()).url;
try {
  // One at a time: identity bounds concurrent password hashing, and a refused login would end the run.
  const login = async (email: string) => {
    const r = await gql<{ logIn: { accessToken: string } }>(
      gatewayUrl,
      'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }',
      {
        e: email,
        p: DEMO_PASSWORD,
      },
    );
    if (!r.data?.logIn) throw new Error(`login ${email}: ${JSON.stringify(r.errors)}`);
    return r.data.logIn.accessToken;
  };
  const callers: { email: string; org: string; token: string }[] = [];
  for (const c of MIX) callers.push({ ...c, token: await login(c.email) });
  const fleetPage = async (caller: { token: string; org: string }, n: number) => {
    const r = await gql(gatewayUrl, FLEET_PAGE, { id: caller.org, n }, { token: caller.token });
    if (r.errors || r.status !== 200) throw new Error(JSON.stringify(r.errors));
    const edges = (r.data as { organization: { virtualMachines: { edges: unknown[] } } }).organization.virtualMachines.edges;
    if (edges.length !== n) throw new Error(`expected ${n} VMs, got ${edges.length}`);
  };
  // Request i of the mix: the callers in turn, a page of 100 every third time.
  const mixRequest = (i: number) => fleetPage(callers[i % callers.length]!, i % 3 === 2 ? 100 : 10);
  const single = callers[0]!;

  const measure = async (label: string, request: (i: number) => Promise<void>) => {
    for (let i = 0; i < 40; i++) await request(i).catch(() => undefined); // warm-up (a rare timeout on a loaded machine must not end the run)
    const profiles = PROFILE_DIR && label === 'mix' ? { gateway: await startCpuProfile(), subgraphs: await ask('profile') } : undefined;
    const mergedBefore = gateway.mergedSubgraphRequests;
    const childBefore = await childCpuMs();
    const run = await runConcurrently(REQUESTS, CONCURRENCY, request);
    const subgraphsMs = (await childCpuMs()) - childBefore;
    const figures = summarise(run.durations, run.wallMs, run.cpuMs + subgraphsMs, run.failed);
    const requests = figures.requests;
    const round = (ms: number) => Math.round((ms / Math.max(1, requests)) * 100) / 100;
    const result = {
      ...figures,
      cpuMsPerRequestBy: { gatewayAndLoad: round(run.cpuMs), subgraphs: round(subgraphsMs) },
      mergedSubgraphRequests: gateway.mergedSubgraphRequests - mergedBefore,
    };
    if (!profiles || !PROFILE_DIR) return result;
    await mkdir(PROFILE_DIR, { recursive: true });
    const gatewayProfile = await profiles.gateway.stop();
    const subgraphsFile = path.resolve(PROFILE_DIR, 'subgraphs.cpuprofile');
    await ask({ profileTo: subgraphsFile });
    await writeFile(path.resolve(PROFILE_DIR, 'gateway.cpuprofile'), JSON.stringify(gatewayProfile));
    const { readFile } = await import('node:fs/promises');
    const subgraphsSummary = summariseProfile(JSON.parse(await readFile(subgraphsFile, 'utf8')), 30);
    const gatewaySummary = summariseProfile(gatewayProfile, 30);
    return {
      ...result,
      profiledMsPerRequest: {
        subgraphs: perRequest(subgraphsSummary, result.cpuMsPerRequestBy.subgraphs),
        gatewayAndLoad: perRequest(gatewaySummary, result.cpuMsPerRequestBy.gatewayAndLoad),
      },
      topFunctions: { subgraphs: subgraphsSummary.functions, gatewayAndLoad: gatewaySummary.functions },
    };
  };
  const page10 = await measure('page10', () => fleetPage(single, 10));
  const page100 = await measure('page100', () => fleetPage(single, 100));
  const mix = await measure('mix', mixRequest);

  const result = {
    benchmark: 'fleet-page-mix',
    query: 'the fleet page (bench/fleet-page.ts) through a gateway in this process, subgraphs in a child process',
    concurrency: CONCURRENCY,
    mixCallers: MIX.length,
    page10,
    page100,
    mix,
  };
  console.log(JSON.stringify(result, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/fleet-page-mix.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
} finally {
  await gateway.stop();
  child.send('stop');
}
