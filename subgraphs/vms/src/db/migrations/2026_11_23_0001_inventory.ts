import { sql, type Kysely } from 'kysely';

// Frozen once merged. Money is bigint minor units. Statuses are closed sets checked by the database.

const STATUSES = sql`('PROVISIONING', 'RUNNING', 'STOPPED', 'SUSPENDED', 'ERROR', 'DELETED')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('virtual_machines')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('org_path', sql`uuid[]`, (c) => c.notNull().check(sql`org_path[array_length(org_path, 1)] = organization_id`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 80`))
    .addColumn('product_id', 'uuid')
    .addColumn('vcpu', 'integer', (c) => c.check(sql`vcpu between 1 and 1024`))
    .addColumn('cpu_speed', 'text', (c) => c.notNull().check(sql`cpu_speed in ('STANDARD', 'ECONOMY')`))
    .addColumn('memory_mib', 'integer', (c) => c.check(sql`memory_mib between 1 and 67108864`))
    .addColumn('disk_gib', 'integer', (c) => c.notNull().check(sql`disk_gib >= 0`))
    .addColumn('storage_tier', 'text', (c) => c.notNull().check(sql`storage_tier in ('STANDARD', 'PREMIUM')`))
    .addColumn('guest_os', 'text', (c) => c.notNull())
    .addColumn('power_state', 'text', (c) => c.notNull().check(sql`power_state in ('POWERED_ON', 'POWERED_OFF', 'SUSPENDED')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ${STATUSES}`))
    .addColumn('status_reason', 'text')
    .addColumn('ip_address', 'text')
    .addColumn('resource_pool', 'text')
    .addColumn('instance_uuid', 'uuid', (c) => c.unique())
    .addColumn('source', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // An organisation's page (newest first) and its subtree (the GIN index answers `org_path @> array[id]`).
  await db.schema.createIndex('virtual_machines_org_created').on('virtual_machines').columns(['organization_id', 'created_at desc', 'id desc']).execute();
  await db.schema.createIndex('virtual_machines_org_name').on('virtual_machines').columns(['organization_id', 'name', 'id']).execute();
  await sql`create index virtual_machines_org_path on virtual_machines using gin (org_path)`.execute(db);
  await db.schema.createIndex('virtual_machines_source').on('virtual_machines').column('source').where(sql.ref('source'), 'is not', null).execute();

  await db.schema
    .createTable('vm_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('vm_id', 'uuid', (c) => c.notNull().references('virtual_machines.id'))
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text', (c) => c.check(sql`from_status in ${STATUSES}`))
    .addColumn('to_status', 'text', (c) => c.notNull().check(sql`to_status in ${STATUSES}`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('vm_events_vm').on('vm_events').columns(['vm_id', 'id desc']).execute();
  // History is appended, never edited.
  await sql`
    create function refuse_history_change() returns trigger language plpgsql as $$
    begin
      raise exception '% rows are append-only', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);
  await sql`create trigger vm_events_append_only before update or delete on vm_events
    for each row execute function refuse_history_change()`.execute(db);

  await db.schema
    .createTable('provision_sagas')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('request', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('HOLDING', 'BUILDING', 'BUILT', 'COMPENSATING', 'COMPLETED', 'FAILED', 'REJECTED')`))
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('price_minor', 'bigint', (c) => c.notNull().check(sql`price_minor > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('hold_id', 'uuid')
    .addColumn('vm_id', 'uuid')
    .addColumn('ip_address', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('provision_sagas_key', ['organization_id', 'idempotency_key'])
    // Deferred: the saga's compare-and-set (which names the VM) runs before the VM's insert, in one transaction.
    .addForeignKeyConstraint('provision_sagas_vm', ['vm_id'], 'virtual_machines', ['id'], (fk) => fk.deferrable().initiallyDeferred())
    // From BUILDING on, the VM exists and the hold is known.
    .addCheckConstraint('provision_sagas_vm_after_hold', sql`state in ('HOLDING', 'REJECTED') or (vm_id is not null and hold_id is not null)`)
    .execute();
  await db.schema
    .createIndex('provision_sagas_open')
    .on('provision_sagas')
    .column('updated_at')
    .where(sql.ref('state'), 'in', ['HOLDING', 'BUILDING', 'BUILT', 'COMPENSATING'])
    .execute();

  // Outbox and processed events: the shape every subgraph shares (kernel events/outbox.ts).
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outbox_unpublished').on('outbox').column('id').where(sql.ref('published_at'), 'is', null).execute();
  await db.schema
    .createTable('processed_events')
    .addColumn('event_id', 'uuid', (c) => c.primaryKey())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['processed_events', 'outbox', 'provision_sagas', 'vm_events', 'virtual_machines']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists refuse_history_change()`.execute(db);
}
