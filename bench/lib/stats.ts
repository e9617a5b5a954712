/** Latency figures from a list of durations in milliseconds. */
export function summarise(durationsMs: readonly number[], wallMs: number, cpuMs?: number, failed = 0) {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    requests: sorted.length,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    perSecond: round((sorted.length / wallMs) * 1000),
    // This process's CPU time (gateway, subgraphs and their background work) per request: far less
    // disturbed than req/s by other load on a shared machine.
    ...(cpuMs === undefined ? {} : { cpuMsPerRequest: round(cpuMs / Math.max(1, sorted.length)) }),
    // Requests that failed (counted, not timed): on an overloaded machine a rare one must not void the run.
    ...(failed > 0 ? { failed } : {}),
  };
}

/** Runs `task` `total` times with `concurrency` in flight; returns each duration and the wall time. */
export async function runConcurrently(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  const durations: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        try {
          await task(i);
          durations.push(performance.now() - t0);
        } catch (error) {
          failed += 1;
          if (failed * 100 > total) throw error; // more than 1 %: the run is broken, not unlucky
          console.error(`request ${i} failed (${failed} so far): ${String(error).slice(0, 300)}`);
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpuAtStart);
  return { durations, wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, failed };
}

/** p50, p95 and max of a list of durations (null when empty), rounded to 0.1 ms. */
export function quantiles(durationsMs: readonly number[]) {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? null : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10);
  return { p50: at(0.5), p95: at(0.95), max: sorted.length === 0 ? null : Math.round(sorted.at(-1)! * 10) / 10 };
}
