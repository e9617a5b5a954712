/**
 * The subscription benchmark's clients, in their own process so the gateway's process measures the
 * gateway (and its subgraphs), not the load. Driven over IPC by bench/subscriptions.ts:
 * { start: {...} } → subscribes, answers { subscribed }; 'measure' → records from now;
 * 'report' → answers { report } and exits.
 */
import { wsClient } from '@platform/kernel/testing';

interface Start {
  readonly gatewayUrl: string;
  readonly token: string;
  readonly vmIds: readonly string[];
  readonly subscribers: number;
  readonly perConnection: number;
  readonly query: string;
}

const latencies: number[] = [];
let received = 0;
let measuring = false;
let errors = 0;
let droppedReported = 0;
const errorSamples = new Set<string>();
let clients: ReturnType<typeof wsClient>[] = [];

process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'start' in message) void start((message as { start: Start }).start);
  else if (message === 'measure') measuring = true;
  else if (message === 'report') void report();
});

async function start(config: Start) {
  clients = Array.from({ length: Math.ceil(config.subscribers / config.perConnection) }, () => wsClient(config.gatewayUrl, config.token));
  for (let i = 0; i < config.subscribers; i++) {
    const { client } = clients[Math.floor(i / config.perConnection)]!;
    client.subscribe(
      { query: config.query, variables: { id: config.vmIds[i % config.vmIds.length] } },
      {
        next: (r: { errors?: readonly unknown[]; extensions?: { droppedEvents?: number }; data?: { virtualMachineMetrics?: { at?: string } } | null }) => {
          if (r.errors) {
            errors++;
            if (errorSamples.size < 3) errorSamples.add(JSON.stringify(r.errors[0]));
          }
          if (typeof r.extensions?.droppedEvents === 'number') droppedReported += r.extensions.droppedEvents;
          const at = r.data?.virtualMachineMetrics?.at;
          if (!measuring || !at) return;
          received++;
          latencies.push(Date.now() - Date.parse(at));
        },
        error: (e: unknown) => {
          errors++;
          if (errorSamples.size < 3) errorSamples.add(describe(e));
        },
        complete: () => undefined,
      },
    );
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 100)); // a ramp, as reconnecting clients would
  }
  process.send?.({ subscribed: config.subscribers, connections: clients.length });
}

async function report() {
  measuring = false;
  const sorted = latencies.sort((a, b) => a - b);
  const q = (x: number) => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? null;
  const clientRssMb = Math.round(process.memoryUsage().rss / 1e6);
  process.send?.({
    report: {
      received,
      errors,
      errorSamples: [...errorSamples],
      droppedReported,
      clientRssMb,
      latencyMs: { p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? null },
    },
  });
  await Promise.all(clients.map(({ client }) => client.dispose()));
  setTimeout(() => process.exit(0), 200);
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  const o = e as { code?: number; reason?: string; message?: string; type?: string } | null;
  return JSON.stringify({ code: o?.code, reason: o?.reason, message: o?.message, type: o?.type });
}
