import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one. Migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // When the suspension a bill caused was lifted (the bill paid, no other suspended bill unpaid). A paid
  // bill with suspended_at set and this null is still to be lifted: the pass retries until tenancy answers.
  await sql`alter table bills add column suspension_lifted_at timestamptz`.execute(db);
  await sql`create index bills_suspension_to_lift on bills (organization_id) where status = 'PAID' and suspended_at is not null and suspension_lifted_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index bills_suspension_to_lift`.execute(db);
  await sql`alter table bills drop column suspension_lifted_at`.execute(db);
}
