import { sql, type Kysely } from 'kysely';

// Frozen: never edit a merged migration; add a new one.
// Private signing keys become sealed (AES-256-GCM under a key-encryption key from configuration):
// the plain column is emptied on start by the key ring, which alone holds the key. Refresh-token
// families remember when the sign-in happened, for their absolute lifetime. Client addresses get
// a throttle table shaped like login_failures.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table signing_keys alter column private_jwk drop not null`.execute(db);
  await sql`alter table signing_keys add column private_key_sealed text, add column kek_id text`.execute(db);
  await sql`
    alter table signing_keys add constraint signing_keys_private_key_once
      check ((private_jwk is null) <> (private_key_sealed is null) and (private_key_sealed is null) = (kek_id is null))`.execute(db);

  await sql`alter table refresh_tokens add column family_started_at timestamptz`.execute(db);
  await sql`
    update refresh_tokens t set family_started_at = f.started
    from (select family_id, min(created_at) as started from refresh_tokens group by family_id) f
    where t.family_id = f.family_id`.execute(db);
  await sql`alter table refresh_tokens alter column family_started_at set not null`.execute(db);

  await sql`
    create table login_address_failures (
      address text primary key,
      window_started_at timestamptz not null,
      failures integer not null check (failures >= 0),
      locked_until timestamptz
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table login_address_failures`.execute(db);
  await sql`alter table refresh_tokens drop column family_started_at`.execute(db);
  // Sealed keys cannot be unsealed here (no key-encryption key): they are dropped with their columns.
  await sql`delete from signing_keys where private_jwk is null`.execute(db);
  await sql`alter table signing_keys drop constraint signing_keys_private_key_once, drop column private_key_sealed, drop column kek_id`.execute(db);
  await sql`alter table signing_keys alter column private_jwk set not null`.execute(db);
}
