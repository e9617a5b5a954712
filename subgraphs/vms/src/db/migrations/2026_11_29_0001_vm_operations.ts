import { sql, type Kysely } from 'kysely';

// Frozen once merged. A lifecycle mutation given an idempotency key records its answer here, in the
// transaction of the change: the same key with the same request answers the same, and does nothing twice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vm_operations')
    .addColumn('vm_id', 'uuid', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('vm_operations_pkey', ['vm_id', 'idempotency_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vm_operations').execute();
}
