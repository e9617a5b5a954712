import { sql, type Kysely } from 'kysely';

// Frozen once merged. Telemetry: raw 20 s samples and two rollup tiers, each a natively range-partitioned
// table. Partitions themselves are created ahead and dropped by retention at run time (the telemetry
// maintenance task), never here: what exists depends on the date.

const METRICS = [
  'cpu_percent',
  'memory_percent',
  'disk_read_bytes_per_second',
  'disk_write_bytes_per_second',
  'network_receive_bytes_per_second',
  'network_transmit_bytes_per_second',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per VM and instant; a metric the collector did not send is null, never zero.
  const raw = METRICS.map((m) =>
    m.endsWith('_percent')
      ? sql`${sql.ref(m)} double precision check (${sql.ref(m)} between 0 and 100)`
      : sql`${sql.ref(m)} double precision check (${sql.ref(m)} >= 0)`,
  );
  await sql`
    create table telemetry_raw (
      vm_id uuid not null,
      at timestamptz not null,
      ${sql.join(raw, sql`, `)},
      primary key (vm_id, at)
    ) partition by range (at)`.execute(db);
  // Rollups keep sum and count (avg = sum / count, exact under later additions) and max (spikes survive).
  const rollup = METRICS.flatMap((m) => [
    sql`${sql.ref(`${m}_sum`)} double precision not null default 0`,
    sql`${sql.ref(`${m}_max`)} double precision`,
    sql`${sql.ref(`${m}_count`)} integer not null default 0`,
  ]);
  for (const table of ['telemetry_5m', 'telemetry_1h']) {
    await sql`
      create table ${sql.table(table)} (
        vm_id uuid not null,
        bucket timestamptz not null,
        ${sql.join(rollup, sql`, `)},
        primary key (vm_id, bucket)
      ) partition by range (bucket)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['telemetry_1h', 'telemetry_5m', 'telemetry_raw']) await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
