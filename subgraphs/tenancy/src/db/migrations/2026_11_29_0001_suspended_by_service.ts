import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one. Migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Whether the current suspension is a service's (billing's overdue policy) rather than a person's:
  // only such a suspension may be lifted by a service (the overdue bills paid); a person's decision stands.
  await sql`alter table organizations add column suspended_by_service boolean not null default false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table organizations drop column suspended_by_service`.execute(db);
}
