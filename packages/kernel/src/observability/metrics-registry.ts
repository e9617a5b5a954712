import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry. One per process on purpose: a metric is a process-wide figure,
 * and a standalone service is one process. The embedded platform (`npm start`, tests) runs every
 * service in one process; each series carries a `service` label, so the figures stay apart.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry }); // CPU, memory, event-loop lag: read at scrape time only

type Labels<L extends string> = Partial<Record<L, string | number>>;

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] });
}

/** Seconds, with buckets from 5 ms to 10 s (GraphQL operations, subgraph calls, SQL batches). */
export function histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: number[]): Histogram<L> {
  return new Histogram<L>({
    name,
    help,
    labelNames,
    buckets: buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metricsRegistry],
  });
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return new Gauge<L>({ name, help, labelNames, registers: [metricsRegistry] });
}

/**
 * A gauge read at scrape time from live objects (pools, socket servers). Sources register while they
 * run and unregister on stop; sources with the same labels are summed (replicas in one process).
 */
export function sampledGauge<L extends string>(name: string, help: string, labelNames: readonly L[]) {
  const sources = new Set<() => readonly { labels: Labels<L>; value: number }[]>();
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const read of sources) for (const { labels, value } of read()) this.inc(labels, value);
    },
  });
  return {
    /** Returns the unregister function. */
    watch(read: () => readonly { labels: Labels<L>; value: number }[]): () => void {
      sources.add(read);
      return () => sources.delete(read);
    },
  };
}

const MAX_OPERATION_NAMES = 200;
const seenOperations = new Set<string>();

/**
 * Operation names are chosen by clients: past MAX_OPERATION_NAMES distinct ones, new names are
 * counted as "other", so a client cannot grow the series without bound.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  const label = name.slice(0, 64);
  if (seenOperations.has(label)) return label;
  if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperations.add(label);
  return label;
}
