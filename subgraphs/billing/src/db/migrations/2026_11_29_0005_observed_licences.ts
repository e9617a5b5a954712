import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one. Migrations never import application code.
// An observation records the licence and add-on SKUs the VM carried; those recorded before carry none.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table vm_observations
      add column licences text[] not null default '{}',
      add column add_ons text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table vm_observations drop column if exists licences, drop column if exists add_ons`.execute(db);
}
