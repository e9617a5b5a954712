import { isUuid, type Logger } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { findTelemetryTargets, type TelemetryTarget } from '../../db/telemetry-repository.ts';
import { storeRawSamples } from '../../db/telemetry-store.ts';
import type { VmsDatabase } from '../../db/types.ts';
import type { DecodedBatch, DecodedPoint } from './otlp-decode.ts';
import type { TelemetryPartitions } from './partition-maintenance.ts';
import type { IngestedSample, MetricName, SampleListener } from './samples.ts';
import { MAX_FUTURE_MS, TIERS } from './tiers.ts';

/** Who sends a batch: a service with telemetry:write may feed any VM; an organisation's key only its subtree's. */
export interface IngestCaller {
  readonly anyVm: boolean;
  canSee(organizationId: string): Promise<boolean>;
}

/** The OTLP partial-success answer, plus what was stored. */
export interface IngestResult {
  readonly acceptedDataPoints: number;
  readonly rejectedDataPoints: number;
  /** VM-instant rows written (one per VM per timestamp, whatever number of metrics it carried). */
  readonly storedSamples: number;
  /** Why points were rejected or ignored, briefly; null when everything was stored. */
  readonly errorMessage: string | null;
}

const MAX_REASONS = 8;

class Rejections {
  readonly reasons = new Map<string, number>();
  total = 0;
  add(reason: string, n = 1): void {
    if (n <= 0) return;
    this.total += n;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + n);
  }
  message(ignored: number): string | null {
    const parts: string[] = [];
    if (this.total > 0) {
      const top = [...this.reasons].sort((a, b) => b[1] - a[1]);
      const shown = top.slice(0, MAX_REASONS).map(([reason, n]) => `${reason} (${n})`);
      if (top.length > MAX_REASONS) shown.push(`${top.length - MAX_REASONS} more reasons`);
      parts.push(`${this.total} data point${this.total === 1 ? '' : 's'} rejected: ${shown.join('; ')}`);
    }
    if (ignored > 0) parts.push(`${ignored} data point${ignored === 1 ? '' : 's'} of metrics the platform does not keep ignored`);
    return parts.length > 0 ? `${parts.join('. ')}.` : null;
  }
}

const PERCENT_METRICS: ReadonlySet<MetricName> = new Set(['cpu_percent', 'memory_percent']);

/** One VM-instant being assembled from its data points. */
interface Assembly {
  readonly target: TelemetryTarget;
  readonly at: Date;
  points: number;
  readonly totals: Map<MetricName, number>;
  /** Per-disk / per-vNIC throughput, summed when the VM total is not given. */
  readonly objects: Map<MetricName, Map<string, number>>;
}

/**
 * Telemetry ingest: validates every data point (VM known and visible to the sender, timestamp within
 * [now − raw retention, now + 5 min], percentages 0–100, rates ≥ 0), stores the good ones as VM-instant
 * rows in one transaction (COPY into raw; rollups follow from the rollup pass, see db/telemetry-store.ts), then — committed — hands them to every SampleListener (alert evaluation,
 * live charts) and answers. A listener's failure is logged, never turned into a lost or rejected batch.
 */
export class TelemetryIngest {
  private readonly listeners: SampleListener[] = [];

  constructor(
    private readonly db: Kysely<VmsDatabase>,
    /** The same pool as `db`: COPY needs a raw client. */
    private readonly pool: pg.Pool,
    private readonly partitions: TelemetryPartitions,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Registers a listener called after each committed batch; returns its removal. */
  addListener(listener: SampleListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  async ingest(batch: DecodedBatch, caller: IngestCaller): Promise<IngestResult> {
    const now = this.clock().getTime();
    const rejected = new Rejections();
    for (const m of batch.malformed) rejected.add(m.reason);
    const targets = await this.resolveTargets(batch.points, caller);
    const assemblies = new Map<string, Assembly>();
    for (const point of batch.points) {
      const problem = this.problemOf(point, targets, now);
      if (problem) {
        rejected.add(problem);
        continue;
      }
      const target = targets.get(point.vmRef!.toLowerCase())!;
      const key = `${target.id}|${point.atMs}`;
      let a = assemblies.get(key);
      if (!a) {
        a = { target, at: new Date(point.atMs), points: 0, totals: new Map(), objects: new Map() };
        assemblies.set(key, a);
      }
      a.points += 1;
      if (point.object === null || PERCENT_METRICS.has(point.metric)) a.totals.set(point.metric, point.value);
      else {
        const perObject = a.objects.get(point.metric) ?? new Map<string, number>();
        perObject.set(point.object, point.value);
        a.objects.set(point.metric, perObject);
      }
    }
    const samples = [...assemblies.values()].map((a): IngestedSample => {
      const values: Partial<Record<MetricName, number>> = {};
      for (const [metric, perObject] of a.objects) values[metric] = [...perObject.values()].reduce((x, y) => x + y, 0);
      for (const [metric, value] of a.totals) values[metric] = value;
      return { vmId: a.target.id, organizationId: a.target.organizationId, at: a.at, values };
    });
    const stored = await this.store(samples);
    let accepted = 0;
    for (const [key, a] of assemblies) {
      if (stored.has(key)) accepted += a.points;
      else rejected.add('a sample for this VM and timestamp is already stored', a.points);
    }
    const storedSamples = samples.filter((s) => stored.has(`${s.vmId}|${s.at.getTime()}`));
    await this.notify(storedSamples);
    return {
      acceptedDataPoints: accepted,
      rejectedDataPoints: rejected.total,
      storedSamples: storedSamples.length,
      errorMessage: rejected.message(batch.ignored),
    };
  }

  /** The VMs the batch names, by instance UUID or our id, narrowed to those the caller may feed. */
  private async resolveTargets(points: readonly DecodedPoint[], caller: IngestCaller): Promise<Map<string, TelemetryTarget>> {
    const refs = new Set<string>();
    for (const p of points) if (p.vmRef !== null && isUuid(p.vmRef.toLowerCase())) refs.add(p.vmRef.toLowerCase());
    const found = await findTelemetryTargets(this.db, [...refs]);
    const byRef = new Map<string, TelemetryTarget>();
    // The instance UUID first, then our own id (they never collide in practice; ours wins if they do).
    for (const t of found) if (t.instanceUuid && refs.has(t.instanceUuid)) byRef.set(t.instanceUuid, t);
    for (const t of found) if (refs.has(t.id)) byRef.set(t.id, t);
    if (caller.anyVm) return byRef;
    const visible = new Map<string, boolean>();
    for (const orgId of new Set(found.map((t) => t.organizationId))) visible.set(orgId, await caller.canSee(orgId));
    return new Map([...byRef].filter(([, t]) => visible.get(t.organizationId) === true));
  }

  private problemOf(point: DecodedPoint, targets: ReadonlyMap<string, TelemetryTarget>, now: number): string | null {
    if (point.vmRef === null) return 'the resource has no vcenter.vm.id attribute';
    if (!targets.has(point.vmRef.toLowerCase())) return `no VM you may report on has vcenter.vm.id ${JSON.stringify(point.vmRef.slice(0, 64))}`;
    if (point.atMs > now + MAX_FUTURE_MS) return 'timestamp more than 5 minutes in the future';
    if (point.atMs < now - TIERS.raw.retentionMs) return 'timestamp older than the raw retention (48 h)';
    if (PERCENT_METRICS.has(point.metric)) {
      if (point.value < 0 || point.value > 100) return `${point.metric} outside 0–100`;
    } else if (point.value < 0) return `${point.metric} negative`;
    return null;
  }

  private async store(samples: readonly IngestedSample[]): Promise<Set<string>> {
    if (samples.length === 0) return new Set();
    await this.partitions.ensureFor([...new Set(samples.map((s) => s.at.getTime()))].map((ms) => new Date(ms)));
    return storeRawSamples(this.pool, this.db, samples);
  }

  private async notify(samples: readonly IngestedSample[]): Promise<void> {
    if (samples.length === 0) return;
    for (const listener of this.listeners) {
      try {
        await listener.onSamples(samples);
      } catch (error) {
        this.logger.error('telemetry sample listener failed; the batch stays stored', { error });
      }
    }
  }
}
