/**
 * The sustained telemetry benchmark's collector, in its own process so the vms process measures ingest,
 * not load generation. Driven over IPC by bench/telemetry-sustained.ts: { start: LoadStart } → paces
 * OTLP/HTTP JSON batches to vms `/v1/metrics` (each VM once per interval, spread evenly over it, as a
 * fleet of collectors scraping at staggered times would) and sends { minute } every 60 s and { done } at
 * the end. A batch that comes due while `maxInFlight` are still unanswered waits in a queue: that queue
 * plus the unanswered batches is the backlog, which grows without bound when ingest cannot keep up.
 */
import { encodeOtlpMetrics, profileOf, simulatedSample, type OutgoingSample, type VmProfile } from '@platform/vms';
import { quantiles } from './stats.ts';

export interface LoadStart {
  readonly vmsUrl: string;
  readonly identityUrl: string;
  readonly collectorSecret: string;
  readonly vmIds: readonly string[];
  readonly intervalMs: number;
  readonly batch: number;
  readonly maxInFlight: number;
  readonly durationMs: number;
  /** After the last batch came due, how long to wait for the backlog to drain. */
  readonly drainMs: number;
}

export interface LoadMinute {
  readonly minute: number;
  /** Samples (VM-instants) that came due, were acknowledged, and were stored (acknowledged minus rejected). */
  readonly dueSamples: number;
  readonly ackedSamples: number;
  readonly rejectedDataPoints: number;
  readonly failedRequests: number;
  readonly requests: number;
  /** One POST, from send to answer. */
  readonly requestMs: { p50: number | null; p95: number | null; max: number | null };
  /** From the instant a batch came due to its answer (queueing included): the ingest delay a collector sees. */
  readonly lagMs: { p50: number | null; p95: number | null; max: number | null };
  /** Samples due but not yet answered at the end of the minute. */
  readonly backlogSamples: number;
  /** This process's CPU (building and encoding batches). */
  readonly loadCpuMs: number;
  readonly errorSamples: readonly string[];
}

interface Due {
  readonly ids: readonly string[];
  readonly profiles: readonly VmProfile[];
  readonly at: number;
}

let config: LoadStart;
let token = '';
let tokenAt = 0;
const queue: Due[] = [];
let inFlight = 0;
let inFlightSamples = 0;
let minute = emptyMinute();
let cpuMark = process.cpuUsage();

function emptyMinute() {
  return { due: 0, acked: 0, rejected: 0, failed: 0, requestMs: [] as number[], lagMs: [] as number[], errors: new Set<string>() };
}

process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'start' in message) void run((message as { start: LoadStart }).start);
});

async function collectorToken(): Promise<string> {
  if (token && Date.now() - tokenAt < 240_000) return token;
  const res = await fetch(new URL('/internal/service-token', config.identityUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${config.collectorSecret}` },
    body: JSON.stringify({ service: 'collector', scopes: ['telemetry:write'] }),
  });
  if (!res.ok) throw new Error(`identity refused a collector token: HTTP ${res.status}`);
  token = ((await res.json()) as { token: string }).token;
  tokenAt = Date.now();
  return token;
}

async function send(due: Due): Promise<void> {
  inFlight += 1;
  inFlightSamples += due.ids.length;
  const at = new Date(due.at);
  const samples: OutgoingSample[] = due.ids.map((id, i) => ({ vmRef: id, at, values: simulatedSample(due.profiles[i]!, at) }));
  const body = JSON.stringify(encodeOtlpMetrics(samples));
  const started = Date.now();
  try {
    const res = await fetch(`${config.vmsUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await collectorToken()}` },
      body,
    });
    const answer = (await res.json()) as { partialSuccess?: { rejectedDataPoints?: string; errorMessage?: string }; message?: string };
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${answer.message ?? ''}`);
    const rejected = Number(answer.partialSuccess?.rejectedDataPoints ?? 0);
    if (rejected > 0 && minute.errors.size < 3) minute.errors.add(answer.partialSuccess?.errorMessage ?? 'rejected');
    minute.rejected += rejected;
    minute.acked += due.ids.length;
    minute.requestMs.push(Date.now() - started);
    minute.lagMs.push(Date.now() - due.at);
  } catch (error) {
    // A collector would retry later; the bench counts it and moves on (the samples are lost, and say so).
    minute.failed += 1;
    if (minute.errors.size < 3) minute.errors.add(String(error).slice(0, 200));
  } finally {
    inFlight -= 1;
    inFlightSamples -= due.ids.length;
    pump();
  }
}

function pump(): void {
  while (inFlight < config.maxInFlight && queue.length > 0) void send(queue.shift()!);
}

function report(n: number): LoadMinute {
  const m = minute;
  minute = emptyMinute();
  const cpu = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  return {
    minute: n,
    dueSamples: m.due,
    ackedSamples: m.acked,
    rejectedDataPoints: m.rejected,
    failedRequests: m.failed,
    requests: m.requestMs.length,
    requestMs: quantiles(m.requestMs),
    lagMs: quantiles(m.lagMs),
    backlogSamples: queue.reduce((n, d) => n + d.ids.length, 0) + inFlightSamples,
    loadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    errorSamples: [...m.errors],
  };
}

async function run(start: LoadStart): Promise<void> {
  config = start;
  await collectorToken();
  const profiles = start.vmIds.map((id) => profileOf(id));
  const batches = Math.ceil(start.vmIds.length / start.batch);
  const spacingMs = start.intervalMs / batches;
  const t0 = Date.now() + 1000;
  let k = 0;
  let minutesSent = 0;
  process.send?.({ started: { t0, batches, spacingMs } });
  for (;;) {
    const dueAt = t0 + k * spacingMs;
    if (dueAt - t0 >= start.durationMs) break;
    const wait = dueAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Minute boundaries fall between batches: report the minute before queueing the next batch.
    while (Date.now() - t0 >= (minutesSent + 1) * 60_000) process.send?.({ minute: report(++minutesSent) });
    const b = k % batches;
    const ids = start.vmIds.slice(b * start.batch, (b + 1) * start.batch);
    queue.push({ ids, profiles: profiles.slice(b * start.batch, (b + 1) * start.batch), at: Math.round(dueAt) });
    minute.due += ids.length;
    pump();
    k += 1;
  }
  while (Date.now() - t0 < (minutesSent + 1) * 60_000 && minutesSent * 60_000 < start.durationMs) await new Promise((r) => setTimeout(r, 50));
  if (minutesSent * 60_000 < start.durationMs) process.send?.({ minute: report(++minutesSent) });
  // Drain: how long the backlog left at the end takes to be answered (zero when ingest kept up).
  const drainStarted = Date.now();
  while ((queue.length > 0 || inFlight > 0) && Date.now() - drainStarted < start.drainMs) await new Promise((r) => setTimeout(r, 50));
  const tail = report(minutesSent + 1);
  process.send?.({ done: { drainMs: Date.now() - drainStarted, drained: queue.length === 0 && inFlight === 0, tail } });
}
