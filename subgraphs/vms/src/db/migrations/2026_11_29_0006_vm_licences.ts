import { sql, type Kysely } from 'kysely';

// Frozen once merged. A VM carries the catalogue LICENCE and ADD_ON SKUs billing charges for; VMs from
// before this migration carry none.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table virtual_machines
      add column licences text[] not null default '{}',
      add column add_ons text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table virtual_machines drop column if exists licences, drop column if exists add_ons`.execute(db);
}
