import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one. Migrations never import application code.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A counter per organisation, bumped in the same transaction as any write to its observations, so
  // rated usage cached in a process (any replica) is reused only while it is still what the table holds.
  await sql`
    create table usage_versions (
      organization_id uuid primary key,
      version bigint not null
    )`.execute(db);
  // Statement-level, so a reconciliation page of thousands of rows bumps each organisation once; in id
  // order, so concurrent writers lock the counters in one order.
  await sql`
    create function bump_usage_versions() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'DELETE' then
        insert into usage_versions (organization_id, version)
          select distinct organization_id, 1 from changed_new order by organization_id
          on conflict (organization_id) do update set version = usage_versions.version + 1;
      end if;
      if tg_op <> 'INSERT' then
        insert into usage_versions (organization_id, version)
          select distinct organization_id, 1 from changed_old order by organization_id
          on conflict (organization_id) do update set version = usage_versions.version + 1;
      end if;
      return null;
    end $$`.execute(db);
  // PostgreSQL allows transition tables only on single-event triggers: one per kind of write.
  await sql`create trigger vm_observations_inserted after insert on vm_observations
    referencing new table as changed_new for each statement execute function bump_usage_versions()`.execute(db);
  await sql`create trigger vm_observations_updated after update on vm_observations
    referencing new table as changed_new old table as changed_old for each statement execute function bump_usage_versions()`.execute(db);
  await sql`create trigger vm_observations_deleted after delete on vm_observations
    referencing old table as changed_old for each statement execute function bump_usage_versions()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger vm_observations_inserted on vm_observations`.execute(db);
  await sql`drop trigger vm_observations_updated on vm_observations`.execute(db);
  await sql`drop trigger vm_observations_deleted on vm_observations`.execute(db);
  await sql`drop function bump_usage_versions()`.execute(db);
  await sql`drop table usage_versions`.execute(db);
}
