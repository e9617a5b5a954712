import { plainArrayLiteral } from '@platform/kernel';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import { METRIC_NAMES, type MetricName } from '../domain/telemetry/samples.ts';
import type {
  FleetUtilization,
  MetricValues,
  RecentLoad,
  SeriesBucket,
  SeriesPlan,
  StoredSample,
  UtilizationQuery,
} from '../domain/telemetry/telemetry-types.ts';
import { TIERS, type Tier } from '../domain/telemetry/tiers.ts';
import type { OrgScope } from '../domain/vm.ts';
import type { VmsDatabase, VmsDb } from './types.ts';

/** A sample to store: only the metrics that arrived are present. */
export interface SampleInput {
  readonly vmId: string;
  readonly at: Date;
  readonly values: Partial<Readonly<Record<MetricName, number>>>;
}

const ref = (name: string) => sql.ref(name);
const join = (parts: readonly RawBuilder<unknown>[]) => sql.join(parts, sql`, `);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const valuesOf = (row: Record<string, unknown>, prefix: string): MetricValues =>
  Object.fromEntries(METRIC_NAMES.map((m) => [m, num(row[`${prefix}${m}`])])) as MetricValues;

/**
 * Adds the rows of CTE `source` to a rollup tier: sum and count add up, max keeps the larger (greatest()
 * ignores nulls). Used by the rollup pass (rows of closed windows) and by ingest for late samples.
 */
export function rollupUpsert(tier: Tier, source: string): RawBuilder<unknown> {
  const step = sql.lit(`${tier.stepSeconds} seconds`);
  const selected = METRIC_NAMES.flatMap((m) => [sql`coalesce(sum(${ref(m)}), 0)`, sql`max(${ref(m)})`, sql`count(${ref(m)})::integer`]);
  const columns = METRIC_NAMES.flatMap((m) => [ref(`${m}_sum`), ref(`${m}_max`), ref(`${m}_count`)]);
  const updates = METRIC_NAMES.flatMap((m) => [
    sql`${ref(`${m}_sum`)} = t.${ref(`${m}_sum`)} + excluded.${ref(`${m}_sum`)}`,
    sql`${ref(`${m}_max`)} = greatest(t.${ref(`${m}_max`)}, excluded.${ref(`${m}_max`)})`,
    sql`${ref(`${m}_count`)} = t.${ref(`${m}_count`)} + excluded.${ref(`${m}_count`)}`,
  ]);
  // Ordered by key, so two concurrent writers lock shared rollup rows in the same order (no deadlock).
  return sql`insert into ${sql.table(tier.table)} as t (vm_id, bucket, ${join(columns)})
    select vm_id, date_bin(${step}::interval, at, timestamptz '1970-01-01 00:00:00+00') as bucket, ${join(selected)}
    from ${sql.table(source)} group by 1, 2 order by 1, 2
    on conflict (vm_id, bucket) do update set ${join(updates)}`;
}

/** A batch's insert statement and the order its answer refers to. */
export interface SampleInsert<S extends SampleInput = SampleInput> {
  readonly ordered: readonly S[];
  /** Answers with the (1-based) positions in `ordered` of the samples it SKIPPED as already stored. */
  readonly statement: RawBuilder<{ n: string }>;
}

/**
 * Stores raw samples in ONE statement; with `rollUp`, adds them to both rollups in the same statement
 * (data-modifying CTEs), for samples older than the rollup watermark that the rollup pass has already
 * gone past. A sample already stored for that VM and instant is skipped, and only the rows actually
 * inserted reach the rollups, so a retried batch never counts twice.
 *
 * The statement answers with the positions of the samples it SKIPPED (usually none), not with every row
 * it inserted: reading back and parsing thousands of (uuid, timestamptz) rows cost the client about as
 * much as the insert itself.
 */
export function sampleInsert<S extends SampleInput>(samples: readonly S[], rollUp: boolean): SampleInsert<S> {
  const ordered = [...samples].sort((a, b) => (a.vmId < b.vmId ? -1 : a.vmId > b.vmId ? 1 : a.at.getTime() - b.at.getTime()));
  const arrays = METRIC_NAMES.map((m) => sql`${ordered.map((s) => s.values[m] ?? null)}::float8[]`);
  const rollups = rollUp ? sql`, five as (${rollupUpsert(TIERS.fiveMinutes, 'inserted')}), hour as (${rollupUpsert(TIERS.hour, 'inserted')})` : sql``;
  const statement = sql<{ n: string }>`
    with input as (
      select * from unnest(${ordered.map((s) => s.vmId)}::uuid[], ${ordered.map((s) => s.at.toISOString())}::timestamptz[], ${join(arrays)})
        with ordinality as i(vm_id, at, ${join(METRIC_NAMES.map(ref))}, n)
    ),
    inserted as (
      insert into telemetry_raw (vm_id, at, ${join(METRIC_NAMES.map(ref))})
      select vm_id, at, ${join(METRIC_NAMES.map(ref))} from input
      on conflict (vm_id, at) do nothing
      returning *
    )${rollups}
    select i.n from input i where not exists (select 1 from inserted x where x.vm_id = i.vm_id and x.at = i.at)`;
  return { ordered, statement };
}

/** The keys ("vmId|epochMs") a sampleInsert stored, from the skipped positions it answered. */
export function keysStored(insert: SampleInsert, skippedRows: readonly { n: string }[]): string[] {
  const skipped = new Set(skippedRows.map((r) => Number(r.n) - 1));
  return insert.ordered.flatMap((s, i) => (skipped.has(i) ? [] : [sampleKey(s)]));
}

/** The samples (the same objects) a sampleInsert stored, from the skipped positions it answered. */
export function samplesStored<S extends SampleInput>(insert: SampleInsert<S>, skippedRows: readonly { n: string }[]): S[] {
  const skipped = new Set(skippedRows.map((r) => Number(r.n) - 1));
  return insert.ordered.filter((_, i) => !skipped.has(i));
}

export const sampleKey = (s: { vmId: string; at: Date }): string => `${s.vmId}|${s.at.getTime()}`;

/**
 * Stores samples and adds them to both rollups at once (see sampleInsert); returns the keys inserted. Only
 * for samples older than the rollup watermark (ingest's late path goes through sampleInsert itself): newer
 * ones would be counted again by the rollup pass and by queries' raw tail.
 */
export async function insertSamples(trx: Transaction<VmsDatabase>, samples: readonly SampleInput[]): Promise<Set<string>> {
  if (samples.length === 0) return new Set();
  const insert = sampleInsert(samples, true);
  const { rows } = await insert.statement.execute(trx);
  return new Set(keysStored(insert, rows));
}

/** The rollup watermark, read in the statement that uses it: raw samples from it on are not in any rollup yet. */
const WATERMARK = sql`(select rolled_until from telemetry_rollup_state)`;

/**
 * A rollup tier's rows in [from, to) with the raw samples not rolled up yet (at or after the watermark)
 * added as one-sample rows, so a query over a rollup tier is exact up to the newest sample. One
 * snapshot: the rollup pass moves rows and watermark together.
 */
function rollupWithTail(tier: Tier, from: Date, to: Date, vmIds: readonly string[] | null): RawBuilder<unknown> {
  const vmFilter = (column: RawBuilder<unknown>) => (vmIds ? sql`${column} = any(${[...vmIds]}::uuid[]) and` : sql``);
  const rolled = METRIC_NAMES.flatMap((m) => [ref(`${m}_sum`), ref(`${m}_max`), ref(`${m}_count`)]);
  const fromRaw = METRIC_NAMES.flatMap((m) => [ref(m), ref(m), sql`(${ref(m)} is not null)::integer`]);
  return sql`(
    select r.vm_id, r.bucket as t, ${join(rolled)} from ${sql.table(tier.table)} r
    where ${vmFilter(sql`r.vm_id`)} r.bucket >= ${from.toISOString()}::timestamptz and r.bucket < ${to.toISOString()}::timestamptz
    union all
    select w.vm_id, w.at as t, ${join(fromRaw)} from telemetry_raw w
    where ${vmFilter(sql`w.vm_id`)} w.at >= greatest(${from.toISOString()}::timestamptz, ${WATERMARK}) and w.at < ${to.toISOString()}::timestamptz
  )`;
}

/**
 * Each VM's buckets in [plan.from, plan.to), `plan.stepSeconds` wide, from the plan's tier, in ONE
 * statement for all the VMs. Raw slots average and max the samples; rollups combine sum/count and max,
 * with the raw samples the rollup pass has not reached yet.
 * Buckets with no data are simply absent (the caller fills nulls).
 */
export async function seriesOfVms(db: VmsDb, vmIds: readonly string[], plan: SeriesPlan): Promise<Map<string, SeriesBucket[]>> {
  const tier = TIERS[plan.tier];
  const step = sql.lit(`${plan.stepSeconds} seconds`);
  const raw = tier.name === 'raw';
  const aggregates = raw
    ? METRIC_NAMES.flatMap((m) => [sql`avg(${ref(m)}) as ${ref(`avg_${m}`)}`, sql`max(${ref(m)}) as ${ref(`max_${m}`)}`])
    : METRIC_NAMES.flatMap((m) => [
        sql`sum(${ref(`${m}_sum`)}) / nullif(sum(${ref(`${m}_count`)}), 0) as ${ref(`avg_${m}`)}`,
        sql`max(${ref(`${m}_max`)}) as ${ref(`max_${m}`)}`,
      ]);
  const source = raw
    ? sql`(select vm_id, at as t, ${join(METRIC_NAMES.map(ref))} from telemetry_raw
        where vm_id = any(${[...vmIds]}::uuid[]) and at >= ${plan.from.toISOString()}::timestamptz and at < ${plan.to.toISOString()}::timestamptz)`
    : rollupWithTail(tier, plan.from, plan.to, vmIds);
  const { rows } = await sql<Record<string, unknown> & { vm_id: string; b: Date }>`
    select vm_id, date_bin(${step}::interval, t, timestamptz '1970-01-01 00:00:00+00') as b, ${join(aggregates)}
    from ${source} s
    group by 1, 2
    order by 1, 2`.execute(db);
  const out = new Map<string, SeriesBucket[]>(vmIds.map((id) => [id, []]));
  for (const row of rows) out.get(row.vm_id)?.push({ at: new Date(row.b), avg: valuesOf(row, 'avg_'), max: valuesOf(row, 'max_') });
  return out;
}

/** Each VM's newest sample within the raw tier (one statement; an index probe per VM). */
export async function latestSamplesOf(db: VmsDb, vmIds: readonly string[], since: Date): Promise<Map<string, StoredSample>> {
  const { rows } = await sql<Record<string, unknown> & { vm_id: string; at: Date }>`
    select v.id as vm_id, s.*
    from unnest(${[...vmIds]}::uuid[]) as v(id)
    cross join lateral (
      select r.at, ${join(METRIC_NAMES.map((m) => sql`r.${ref(m)}`))}
      from telemetry_raw r
      where r.vm_id = v.id and r.at >= ${since.toISOString()}::timestamptz
      order by r.at desc
      limit 1
    ) s`.execute(db);
  return new Map(rows.map((r) => [r.vm_id, { vmId: r.vm_id, at: new Date(r.at), values: valuesOf(r, '') }]));
}

/** Each VM's load since `since` (health's input), one statement. */
export async function recentLoadOf(db: VmsDb, vmIds: readonly string[], since: Date): Promise<Map<string, RecentLoad>> {
  const { rows } = await sql<{ vm_id: string; samples: string; cpu: number | null; memory: number | null; disk: number | null }>`
    select vm_id, count(*) as samples, avg(cpu_percent) as cpu, avg(memory_percent) as memory,
           avg(coalesce(disk_read_bytes_per_second, 0) + coalesce(disk_write_bytes_per_second, 0))
             filter (where disk_read_bytes_per_second is not null or disk_write_bytes_per_second is not null) as disk
    from telemetry_raw
    where vm_id = any(${[...vmIds]}::uuid[]) and at >= ${since.toISOString()}::timestamptz
    group by vm_id`.execute(db);
  return new Map(rows.map((r) => [r.vm_id, { samples: Number(r.samples), cpuAvg: num(r.cpu), memoryAvg: num(r.memory), diskAvg: num(r.disk) }]));
}

function scopeCondition(scope: OrgScope): RawBuilder<boolean> {
  return scope === 'SELF' ? sql<boolean>`vm.organization_id = o.org_id` : sql<boolean>`vm.org_path @> array[o.org_id]`;
}

/**
 * Per organisation, its fleet's average (weighted by samples) and max per metric over the window, read
 * from a rollup tier (and the raw samples not rolled up yet), ONE statement for all organisations. VMs that are DELETED are left out.
 */
export async function utilizationOf(db: VmsDb, orgIds: readonly string[], q: UtilizationQuery): Promise<Map<string, FleetUtilization>> {
  const tier = TIERS[q.tier];
  const aggregates = METRIC_NAMES.flatMap((m) => [
    sql`sum(t.${ref(`${m}_sum`)}) / nullif(sum(t.${ref(`${m}_count`)}), 0) as ${ref(`avg_${m}`)}`,
    sql`max(t.${ref(`${m}_max`)}) as ${ref(`max_${m}`)}`,
  ]);
  const { rows } = await sql<Record<string, unknown> & { org_id: string; vms: string }>`
    select o.org_id, count(distinct t.vm_id) as vms, ${join(aggregates)}
    from unnest(${[...orgIds]}::uuid[]) as o(org_id)
    left join virtual_machines vm on ${scopeCondition(q.scope)} and vm.status <> 'DELETED'
    left join ${rollupWithTail(tier, q.from, q.to, null)} t on t.vm_id = vm.id
    group by o.org_id`.execute(db);
  return new Map(rows.map((r) => [r.org_id, { vmsReporting: Number(r.vms), avg: valuesOf(r, 'avg_'), max: valuesOf(r, 'max_') }]));
}

/** The VMs a collector may name: by our id or by the vCenter instance UUID; DELETED ones are unknown. */
export interface TelemetryTarget {
  readonly id: string;
  readonly organizationId: string;
  readonly instanceUuid: string | null;
  /** The VM's last-seen time as recorded (vm_telemetry_seen), in epoch ms; null before its first sample. */
  readonly lastSeenMs: number | null;
}

/**
 * The VMs these names (distinct, lower-case uuids) may mean, by our id or by instance UUID, with each one's
 * last-seen time, so ingest knows which it must move on. One pass: the planner reads the whole inventory
 * once, testing both ids against hashed arrays, while the batch is a large share of it, and switches to
 * index probes (a BitmapOr of both indexes) once the fleet is much larger than a batch.
 */
export async function findTelemetryTargets(db: VmsDb, refs: readonly string[]): Promise<TelemetryTarget[]> {
  if (refs.length === 0) return [];
  const names = plainArrayLiteral(refs);
  const { rows } = await sql<{ id: string; organization_id: string; instance_uuid: string | null; last_seen_ms: number | null }>`
    select vm.id, vm.organization_id, vm.instance_uuid, date_part('epoch', s.last_sample_at) * 1000 as last_seen_ms
    from virtual_machines vm left join vm_telemetry_seen s on s.vm_id = vm.id
    where (vm.id = any(${names}::uuid[]) or vm.instance_uuid = any(${names}::uuid[])) and vm.status <> 'DELETED'`.execute(db);
  return rows.map((r) => ({ id: r.id, organizationId: r.organization_id, instanceUuid: r.instance_uuid, lastSeenMs: r.last_seen_ms }));
}

/** A VM's simulated profile, as the backfill reads it (domain/telemetry/simulator.ts). */
export interface BackfillProfile {
  readonly vmId: string;
  readonly cpuBase: number;
  readonly cpuAmplitude: number;
  readonly memoryBase: number;
  readonly memoryAmplitude: number;
  readonly peakHour: number;
  readonly diskBytes: number;
  readonly networkBytes: number;
}

/**
 * Demo history written straight into a rollup tier, generated in the database (generate_series) so a
 * month of hours for thousands of VMs takes seconds: the simulator's daily wave (the same formula as
 * simulatedSample) with noise in the averages and headroom plus rare spikes in the maxima. Buckets
 * already present are left alone. Returns the rows written.
 */
export async function backfillRollups(db: VmsDb, tier: Tier, profiles: readonly BackfillProfile[], from: Date, to: Date): Promise<number> {
  if (profiles.length === 0) return 0;
  const n = tier.stepSeconds / 20;
  const col = (name: keyof BackfillProfile) => sql`${profiles.map((p) => p[name])}::float8[]`;
  const columns = METRIC_NAMES.flatMap((m) => [ref(`${m}_sum`), ref(`${m}_max`), ref(`${m}_count`)]);
  const result = await sql`
    insert into ${sql.table(tier.table)} (vm_id, bucket, ${join(columns)})
    select p.vm_id, b.bucket,
      v.cpu * ${n}, least(100, v.cpu + random() * 8 + case when random() < 0.03 then 20 + random() * 20 else 0 end), ${n},
      v.mem * ${n}, least(100, v.mem + random() * 2), ${n},
      v.dr * ${n}, v.dr * (1.3 + random() * 1.5), ${n},
      v.dw * ${n}, v.dw * (1.3 + random()), ${n},
      v.nr * ${n}, v.nr * (1.3 + random()), ${n},
      v.nt * ${n}, v.nt * (1.3 + random()), ${n}
    from unnest(${profiles.map((p) => p.vmId)}::uuid[], ${col('cpuBase')}, ${col('cpuAmplitude')}, ${col('memoryBase')}, ${col('memoryAmplitude')},
                ${col('peakHour')}, ${col('diskBytes')}, ${col('networkBytes')})
      as p(vm_id, cpu_base, cpu_amp, mem_base, mem_amp, peak, disk, net)
    cross join generate_series(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz - make_interval(secs => ${tier.stepSeconds}), make_interval(secs => ${tier.stepSeconds})) as b(bucket)
    cross join lateral (select cos(2 * pi() * (extract(epoch from b.bucket) / 3600.0 + 2 - p.peak) / 24) as wave) w
    cross join lateral (
      select greatest(0, least(100, p.cpu_base + p.cpu_amp * w.wave + (random() - 0.5) * 4)) as cpu,
             greatest(0, least(100, p.mem_base + p.mem_amp * 0.5 * w.wave + (random() - 0.5) * 1.5)) as mem,
             p.disk * (1 + 0.6 * w.wave) * (0.8 + random() * 0.4) as dr,
             p.disk * 0.5 * (1 + 0.6 * w.wave) * (0.8 + random() * 0.4) as dw,
             p.net * (1 + 0.6 * w.wave) * (0.8 + random() * 0.4) as nr,
             p.net * 0.7 * (1 + 0.6 * w.wave) * (0.8 + random() * 0.4) as nt
    ) v
    on conflict (vm_id, bucket) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** RUNNING VMs, oldest id first; `withoutHistoryBefore`: only those with no hourly rollup before that instant (not yet backfilled). */
export async function runningVmIds(db: VmsDb, withoutHistoryBefore?: Date): Promise<string[]> {
  const { rows } = withoutHistoryBefore
    ? await sql<{ id: string }>`
        select vm.id from virtual_machines vm
        where vm.status = 'RUNNING'
          and not exists (select 1 from telemetry_1h t where t.vm_id = vm.id and t.bucket < ${withoutHistoryBefore.toISOString()}::timestamptz)
        order by vm.id`.execute(db)
    : await sql<{ id: string }>`select id from virtual_machines where status = 'RUNNING' order by id`.execute(db);
  return rows.map((r) => r.id);
}
