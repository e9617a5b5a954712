/**
 * The sustained telemetry benchmark's dashboards, in their own process: customers' users querying through
 * the gateway at a steady rate while telemetry arrives. Driven over IPC by bench/telemetry-sustained.ts:
 * { start: DashboardStart } → sends { minute } every 60 s and { done } after `durationMs`. Queries rotate
 * over the VM page with a 1 h chart, the VM page with a 24 h chart, and the fleet page (100 VMs with
 * latestSample and health). Open loop: a query starts every 1/rate s whether or not the last has answered
 * (capped at `maxInFlight`; one not started for that is counted as skipped), so slow answers show as latency.
 */
import { quantiles } from './stats.ts';

export interface DashboardUser {
  readonly email: string;
  readonly password: string;
  readonly organizationId: string;
  /** VMs of that organisation that receive telemetry in the run. */
  readonly vmIds: readonly string[];
}

export interface DashboardStart {
  readonly gatewayUrl: string;
  readonly users: readonly DashboardUser[];
  readonly queriesPerSecond: number;
  readonly maxInFlight: number;
  readonly durationMs: number;
}

type Kind = 'vmPage1h' | 'vmPage24h' | 'fleetPage100';
const KINDS: readonly Kind[] = ['vmPage1h', 'vmPage24h', 'fleetPage100'];

const SERIES = 'avg max';
const VM_PAGE = `query($id: ID!, $from: DateTime!) { virtualMachine(id: $id) { id name status
  latestSample { at cpuPercent memoryPercent } health { score status reasons }
  metrics(from: $from) { resolution stepSeconds timestamps cpuPercent { ${SERIES} } memoryPercent { ${SERIES} }
    diskReadBytesPerSecond { ${SERIES} } diskWriteBytesPerSecond { ${SERIES} }
    networkReceiveBytesPerSecond { ${SERIES} } networkTransmitBytesPerSecond { ${SERIES} } } } }`;
const FLEET_PAGE = `query($org: ID!) { organization(id: $org) { id virtualMachines(first: 100) { edges { node {
  id name status latestSample { at cpuPercent memoryPercent } health { score status reasons } } } } } }`;

let config: DashboardStart;
const tokens = new Map<string, { token: Promise<string>; at: number }>();
let inFlight = 0;
let minute = emptyMinute();
let shape: Record<string, string> = {};

function emptyMinute() {
  return {
    latencies: Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Record<Kind, number[]>,
    failed: 0,
    skipped: 0,
    errors: new Set<string>(),
  };
}

process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'start' in message) void run((message as { start: DashboardStart }).start);
});

async function post(query: string, variables: Record<string, unknown>, token?: string): Promise<Record<string, any>> {
  const res = await fetch(config.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (!res.ok || body.errors || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

/**
 * An access token per user, renewed every 5 minutes (well inside its lifetime). One sign-in per user at a
 * time: queries waiting on a renewal share it (identity throttles bursts of sign-ins).
 */
function tokenOf(user: DashboardUser): Promise<string> {
  const cached = tokens.get(user.email);
  if (cached && Date.now() - cached.at < 300_000) return cached.token;
  const token = (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const data = await post('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }', { e: user.email, p: user.password });
        return data['logIn'].accessToken as string;
      } catch (error) {
        if (attempt >= 5) {
          tokens.delete(user.email);
          throw error;
        }
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  })();
  tokens.set(user.email, { token, at: Date.now() });
  return token;
}

async function query(kind: Kind, i: number): Promise<void> {
  const user = config.users[i % config.users.length]!;
  const vmId = user.vmIds[Math.floor(i / config.users.length) % user.vmIds.length]!;
  inFlight += 1;
  const started = performance.now();
  try {
    const token = await tokenOf(user);
    if (kind === 'fleetPage100') {
      const data = await post(FLEET_PAGE, { org: user.organizationId }, token);
      const edges = data['organization'].virtualMachines.edges as { node: { latestSample: unknown } }[];
      shape[kind] = `${edges.length} VMs, ${edges.filter((e) => e.node.latestSample).length} with a latest sample`;
    } else {
      const from = new Date(Date.now() - (kind === 'vmPage1h' ? 3_600_000 : 86_400_000)).toISOString();
      const data = await post(VM_PAGE, { id: vmId, from }, token);
      const m = data['virtualMachine'].metrics;
      const points = (m.cpuPercent.avg as (number | null)[]).filter((v) => v !== null).length;
      shape[kind] = `${m.resolution}/${m.stepSeconds}s, ${m.timestamps.length} slots, ${points} with data`;
    }
    minute.latencies[kind].push(performance.now() - started);
  } catch (error) {
    minute.failed += 1;
    if (minute.errors.size < 3) minute.errors.add(String(error).slice(0, 300));
  } finally {
    inFlight -= 1;
  }
}

function report(n: number) {
  const m = minute;
  minute = emptyMinute();
  const out = {
    minute: n,
    ...Object.fromEntries(KINDS.map((k) => [k, { requests: m.latencies[k].length, ...quantiles(m.latencies[k]) }])),
    all: quantiles(KINDS.flatMap((k) => m.latencies[k])),
    failed: m.failed,
    skipped: m.skipped,
    errorSamples: [...m.errors],
    shape,
  };
  shape = {};
  return out;
}

async function run(start: DashboardStart): Promise<void> {
  config = start;
  for (const user of start.users) await tokenOf(user);
  const spacingMs = 1000 / start.queriesPerSecond;
  const t0 = Date.now();
  let minutesSent = 0;
  for (let i = 0; ; i++) {
    const dueAt = t0 + i * spacingMs;
    if (dueAt - t0 >= start.durationMs) break;
    const wait = dueAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (Date.now() - t0 >= (minutesSent + 1) * 60_000) process.send?.({ minute: report(++minutesSent) });
    if (inFlight >= start.maxInFlight) minute.skipped += 1;
    else void query(KINDS[i % KINDS.length]!, Math.floor(i / KINDS.length));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
  if (minutesSent * 60_000 < start.durationMs) process.send?.({ minute: report(++minutesSent) });
  process.send?.({ done: true });
}
