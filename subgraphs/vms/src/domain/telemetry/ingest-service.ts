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

/**
 * One VM-instant being assembled from its data points. Values by metric go straight into the sample that
 * is stored; per-disk / per-vNIC throughput is kept apart and summed at the end, for metrics whose VM total
 * did not arrive.
 */
interface Assembly {
  readonly target: TelemetryTarget;
  readonly atMs: number;
  readonly sample: IngestedSample & { values: Partial<Record<MetricName, number>> };
  points: number;
  objects: Map<MetricName, Map<string, number>> | null;
}

/**
 * The VMs whose recorded last-seen time lags their newest instant in the batch by `lagMs` or more, with that
 * instant: they move on with the samples. Keyed by VM id: a VM named by both its ids in one batch is one VM.
 */
function seenToMove(assemblies: readonly Assembly[], lagMs: number): { vmId: string; at: Date }[] {
  const newest = new Map<string, Assembly>();
  for (const a of assemblies) {
    const known = newest.get(a.target.id);
    if (known === undefined || known.atMs < a.atMs) newest.set(a.target.id, a);
  }
  const seen: { vmId: string; at: Date }[] = [];
  for (const { target, atMs, sample } of newest.values())
    if (target.lastSeenMs === null || target.lastSeenMs <= atMs - lagMs) seen.push({ vmId: target.id, at: sample.at });
  return seen;
}

/**
 * Telemetry ingest: validates every data point (VM known and visible to the sender, timestamp within
 * [now − raw retention, now + 5 min], percentages 0–100, rates ≥ 0), stores the good ones as VM-instant
 * rows in one transaction with the VMs' last-seen times (COPY into raw; rollups follow from the rollup
 * pass, see db/telemetry-store.ts), then — committed — hands them to every SampleListener (alert
 * evaluation, live charts) and answers. A listener's failure is logged, never turned into a lost or
 * rejected batch.
 */
export class TelemetryIngest {
  private readonly listeners: SampleListener[] = [];

  constructor(
    private readonly db: Kysely<VmsDatabase>,
    /** The same pool as `db`: COPY needs a raw client. */
    private readonly pool: pg.Pool,
    private readonly partitions: TelemetryPartitions,
    private readonly logger: Logger,
    /** How far a VM's recorded last-seen time may lag its newest sample (see seenUpsert): most batches move none. */
    private readonly seenGranularitySeconds: number,
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
    // Each VM's assemblies, one per instant (a batch holds a few); `assemblies` keeps them in arrival order.
    const byVm = new Map<string, Assembly[]>();
    const assemblies: Assembly[] = [];
    // One Date per instant for the whole batch (samples share them; nobody mutates them).
    const dates = new Map<number, Date>();
    // A resource's points come together, mostly of one instant: its target and assembly are looked up only when they move on.
    let lastRef = undefined as string | null | undefined;
    let target = undefined as TelemetryTarget | undefined;
    let last = undefined as Assembly | undefined;
    for (const point of batch.points) {
      if (point.vmRef !== lastRef) {
        lastRef = point.vmRef;
        target = point.vmRef === null ? undefined : targets.get(point.vmRef);
      }
      const problem = this.problemOf(point, target, now);
      if (problem) {
        rejected.add(problem);
        continue;
      }
      const vm = target!; // a point without a target has a problem
      let a: Assembly | undefined = last;
      if (a === undefined || a.target.id !== vm.id || a.atMs !== point.atMs) {
        let ofVm = byVm.get(vm.id);
        if (ofVm === undefined) byVm.set(vm.id, (ofVm = []));
        a = ofVm.find((x) => x.atMs === point.atMs);
        if (a === undefined) {
          let at = dates.get(point.atMs);
          if (!at) dates.set(point.atMs, (at = new Date(point.atMs)));
          a = { target: vm, atMs: point.atMs, sample: { vmId: vm.id, organizationId: vm.organizationId, at, values: {} }, points: 0, objects: null };
          ofVm.push(a);
          assemblies.push(a);
        }
        last = a;
      }
      a.points += 1;
      if (point.object === null || PERCENT_METRICS.has(point.metric)) a.sample.values[point.metric] = point.value;
      else {
        a.objects ??= new Map();
        let perObject = a.objects.get(point.metric);
        if (!perObject) a.objects.set(point.metric, (perObject = new Map()));
        perObject.set(point.object, point.value);
      }
    }
    const samples: IngestedSample[] = [];
    for (const a of assemblies) {
      for (const [metric, perObject] of a.objects ?? []) {
        if (a.sample.values[metric] !== undefined) continue; // the VM total wins
        let sum = 0;
        for (const v of perObject.values()) sum += v;
        a.sample.values[metric] = sum;
      }
      samples.push(a.sample);
    }
    const stored = await this.store(samples, seenToMove(assemblies, this.seenGranularitySeconds * 1000));
    let accepted = 0;
    const storedSamples: IngestedSample[] = [];
    for (const a of assemblies) {
      if (stored.has(a.sample)) {
        accepted += a.points;
        storedSamples.push(a.sample);
      } else rejected.add('a sample for this VM and timestamp is already stored', a.points);
    }
    await this.notify(storedSamples);
    return {
      acceptedDataPoints: accepted,
      rejectedDataPoints: rejected.total,
      storedSamples: storedSamples.length,
      errorMessage: rejected.message(batch.ignored),
    };
  }

  /**
   * The VMs the batch names, by instance UUID or our id, narrowed to those the caller may feed; keyed by the
   * reference as the points carry it (so each point costs one lookup, whatever its case).
   */
  private async resolveTargets(points: readonly DecodedPoint[], caller: IngestCaller): Promise<Map<string, TelemetryTarget>> {
    const asSent = new Map<string, string>();
    let previous: string | null = null; // a resource's points come together
    for (const p of points) {
      if (p.vmRef === previous || p.vmRef === null || asSent.has(p.vmRef)) continue;
      previous = p.vmRef;
      const ref = p.vmRef.toLowerCase();
      if (isUuid(ref)) asSent.set(p.vmRef, ref);
    }
    const refs = new Set(asSent.values());
    const found = await findTelemetryTargets(this.db, [...refs]);
    const byRef = new Map<string, TelemetryTarget>();
    // The instance UUID first, then our own id (they never collide in practice; ours wins if they do).
    for (const t of found) if (t.instanceUuid && refs.has(t.instanceUuid)) byRef.set(t.instanceUuid, t);
    for (const t of found) if (refs.has(t.id)) byRef.set(t.id, t);
    const visible = new Map<string, boolean>();
    if (!caller.anyVm) for (const orgId of new Set(found.map((t) => t.organizationId))) visible.set(orgId, await caller.canSee(orgId));
    const out = new Map<string, TelemetryTarget>();
    for (const [sent, ref] of asSent) {
      const t = byRef.get(ref);
      if (t && (caller.anyVm || visible.get(t.organizationId) === true)) out.set(sent, t);
    }
    return out;
  }

  private problemOf(point: DecodedPoint, target: TelemetryTarget | undefined, now: number): string | null {
    if (point.vmRef === null) return 'the resource has no vcenter.vm.id attribute';
    if (!target) return `no VM you may report on has vcenter.vm.id ${JSON.stringify(point.vmRef.slice(0, 64))}`;
    if (point.atMs > now + MAX_FUTURE_MS) return 'timestamp more than 5 minutes in the future';
    if (point.atMs < now - TIERS.raw.retentionMs) return 'timestamp older than the raw retention (48 h)';
    if (PERCENT_METRICS.has(point.metric)) {
      if (point.value < 0 || point.value > 100) return `${point.metric} outside 0–100`;
    } else if (point.value < 0) return `${point.metric} negative`;
    return null;
  }

  /** Stores the samples and moves the VMs' last-seen times on; answers the samples stored (the others were already there). */
  private async store(samples: readonly IngestedSample[], seen: readonly { vmId: string; at: Date }[]): Promise<ReadonlySet<IngestedSample>> {
    if (samples.length === 0) return new Set();
    const instants = new Map<number, Date>();
    for (const s of samples) instants.set(s.at.getTime(), s.at);
    await this.partitions.ensureFor([...instants.values()]);
    return storeRawSamples(this.pool, this.db, samples, { vms: seen, granularitySeconds: this.seenGranularitySeconds });
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
