import { sql, type Kysely } from 'kysely';

// Frozen once merged. Alert rules (organisation defaults and per-VM overrides), alerts with at most one
// open per (rule, VM) — the partial unique index — an append-only transition log whose bigserial seq is
// the replay cursor, and the per-VM last-seen row that doubles as the lock serialising evaluations of a VM.

const METRICS = sql`('cpu_percent', 'memory_percent', 'disk_read_bytes_per_second', 'disk_write_bytes_per_second', 'network_receive_bytes_per_second', 'network_transmit_bytes_per_second')`;
const SEVERITIES = sql`('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')`;
const STATUSES = sql`('PENDING', 'FIRING', 'ACKNOWLEDGED', 'RESOLVED')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('vm_id', 'uuid')
    .addColumn('metric', 'text', (c) => c.notNull().check(sql`metric in ${METRICS}`))
    .addColumn('comparator', 'text', (c) => c.notNull().check(sql`comparator in ('GT', 'GTE', 'LT', 'LTE')`))
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('for_seconds', 'integer', (c) => c.notNull().check(sql`for_seconds between 0 and 86400`))
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ${SEVERITIES}`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('alert_rules_org').on('alert_rules').columns(['organization_id', 'id']).execute();
  await db.schema.createIndex('alert_rules_vm').on('alert_rules').column('vm_id').where(sql.ref('vm_id'), 'is not', null).execute();

  // Organisations whose default rules were seeded once: deleting every rule later does not bring them back.
  await db.schema
    .createTable('alert_rule_seeds')
    .addColumn('organization_id', 'uuid', (c) => c.primaryKey())
    .addColumn('seeded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('org_path', sql`uuid[]`, (c) => c.notNull())
    .addColumn('vm_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('THRESHOLD', 'NO_DATA')`))
    // The rule's id, or 'no-data': what "one open alert per rule and VM" is keyed on.
    .addColumn('rule_key', 'text', (c) => c.notNull())
    // No foreign key: an evaluation racing a rule's deletion may still raise an alert for it, and the VM's
    // next batch resolves that alert (RULE_CHANGED) instead of the whole batch failing.
    .addColumn('rule_id', 'uuid')
    .addColumn('metric', 'text', (c) => c.check(sql`metric in ${METRICS}`))
    .addColumn('comparator', 'text')
    .addColumn('threshold', 'double precision')
    .addColumn('for_seconds', 'integer', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ${SEVERITIES}`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${STATUSES}`))
    .addColumn('value', 'double precision')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('fired_at', 'timestamptz')
    .addColumn('respond_by', 'timestamptz')
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'text')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolution', 'text', (c) => c.check(sql`resolution in ('CLEARED', 'DATA_RETURNED', 'RULE_CHANGED', 'VM_NOT_RUNNING')`))
    // Evaluation state: the newest sample looked at, and since when the condition has been clear.
    .addColumn('evaluated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('clear_since', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index alerts_one_open on alerts (rule_key, vm_id) where status <> 'RESOLVED'`.execute(db);
  await sql`create index alerts_open_vm on alerts (vm_id) where status <> 'RESOLVED'`.execute(db);
  await db.schema.createIndex('alerts_org').on('alerts').columns(['organization_id', 'id']).execute();
  await sql`create index alerts_vm on alerts (vm_id, id)`.execute(db);
  await sql`create index alerts_path on alerts using gin (org_path)`.execute(db);

  await db.schema
    .createTable('alert_events')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('alert_id', 'uuid', (c) => c.notNull())
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('org_path', sql`uuid[]`, (c) => c.notNull())
    .addColumn('vm_id', 'uuid', (c) => c.notNull())
    .addColumn('from_status', 'text', (c) => c.check(sql`from_status in ${STATUSES}`))
    .addColumn('to_status', 'text', (c) => c.notNull().check(sql`to_status in ${STATUSES}`))
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_events_org_seq').on('alert_events').columns(['organization_id', 'seq']).execute();

  await db.schema
    .createTable('vm_telemetry_seen')
    .addColumn('vm_id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('org_path', sql`uuid[]`, (c) => c.notNull())
    .addColumn('last_sample_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // No index on last_sample_at: it changes with every batch, and an unindexed column keeps those updates HOT; the
  // no-data scan reads the table sequentially every scan interval instead (one row per VM).
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['vm_telemetry_seen', 'alert_events', 'alerts', 'alert_rule_seeds', 'alert_rules']) await db.schema.dropTable(table).execute();
}
