import { sql, type Kysely } from 'kysely';

// Frozen once merged. A replica driving a saga holds a lease on it and renews it while it works
// (heartbeats); another replica takes the saga over only once the lease has run out. The times are
// the database's (now()), so replicas' clocks never have to agree.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('provision_sagas').addColumn('lease_owner', 'text').addColumn('lease_until', 'timestamptz').execute();
  await sql`create index provision_sagas_open_lease on provision_sagas (lease_until) where state in ('HOLDING', 'BUILDING', 'BUILT', 'COMPENSATING')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index provision_sagas_open_lease`.execute(db);
  await db.schema.alterTable('provision_sagas').dropColumn('lease_owner').dropColumn('lease_until').execute();
}
