import { sql, type Kysely } from 'kysely';
import { recordSeen } from '../../src/db/telemetry-seen.ts';
import type { VmsDatabase } from '../../src/db/types.ts';
import type { MetricName, IngestedSample, SampleListener } from '../../src/domain/telemetry/samples.ts';
import type { Vm } from '../../src/domain/vm.ts';

/** A fixed instant the evaluation tests count from (the no-data scan is off in these tests). */
export const T0 = Date.parse('2026-11-29T08:00:00.000Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000);

export const sample = (vm: Vm, seconds: number, values: Partial<Record<MetricName, number>>, base = T0): IngestedSample => ({
  vmId: vm.id,
  organizationId: vm.organizationId,
  at: new Date(base + seconds * 1000),
  values,
});

/** Samples every 20 s from `from` to `to` seconds (inclusive) with the same values. */
export const series = (vm: Vm, from: number, to: number, values: Partial<Record<MetricName, number>>, base = T0): IngestedSample[] => {
  const out: IngestedSample[] = [];
  for (let s = from; s <= to; s += 20) out.push(sample(vm, s, values, base));
  return out;
};

export interface AlertRowView {
  id: string;
  kind: string;
  rule_key: string;
  status: string;
  severity: string;
  value: number | null;
  started_at: Date;
  fired_at: Date | null;
  respond_by: Date | null;
  resolved_at: Date | null;
  resolution: string | null;
}

export async function alertsOfVm(db: Kysely<VmsDatabase>, vmId: string): Promise<AlertRowView[]> {
  return db
    .selectFrom('alerts')
    .select(['id', 'kind', 'rule_key', 'status', 'severity', 'value', 'started_at', 'fired_at', 'respond_by', 'resolved_at', 'resolution'])
    .where('vm_id', '=', vmId)
    .orderBy('id')
    .execute();
}

/** The transitions of a VM's alerts, from the alert_events log and from the outbox, each in order. */
export async function transitionsOfVm(db: Kysely<VmsDatabase>, vmId: string) {
  const events = await db.selectFrom('alert_events').selectAll().where('vm_id', '=', vmId).orderBy('seq').execute();
  const { rows: outbox } = await sql<{ topic: string; payload: Record<string, unknown> }>`
    select topic, payload from outbox where topic = 'vms.alert.changed' and payload->>'vmId' = ${vmId} order by (payload->>'seq')::bigint`.execute(db);
  return {
    log: events.map((e) => `${e.from_status ?? '∅'}→${e.to_status}@${new Date(e.at).toISOString()}`),
    seqs: events.map((e) => String(e.seq)),
    outbox,
  };
}

/**
 * What ingest does with committed samples that reach alerting: records each VM's newest one as its
 * last-seen time (as the store transaction does, at the subgraph's 60 s granularity), then evaluates. The
 * no-data tests place samples at fixed past instants, which ingest's clock check would refuse.
 */
export async function arrive(db: Kysely<VmsDatabase>, evaluator: SampleListener, samples: readonly IngestedSample[]): Promise<void> {
  const newest = new Map<string, Date>();
  for (const s of samples) if ((newest.get(s.vmId)?.getTime() ?? -Infinity) < s.at.getTime()) newest.set(s.vmId, s.at);
  await recordSeen(
    db,
    [...newest].map(([vmId, at]) => ({ vmId, at })),
    60,
  );
  await evaluator.onSamples(samples);
}
