import { newId, type CpuSpeedClass, type StorageTier } from '@platform/kernel';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { VmObservation } from '../domain/usage.ts';
import type { BillingDatabase, VmObservationsTable } from './types.ts';

type Row = Selectable<VmObservationsTable>;

const toObservation = (row: Row): VmObservation => ({
  sourceId: row.source_id,
  vmId: row.vm_id,
  organizationId: row.organization_id,
  productId: row.product_id,
  at: row.observed_at,
  running: row.running,
  allocated: row.allocated,
  shape: {
    vcpu: row.vcpu,
    cpuSpeed: row.cpu_speed as CpuSpeedClass,
    memoryGib: row.memory_gib,
    diskGib: row.disk_gib,
    storageTier: row.storage_tier as StorageTier,
    licences: row.licences,
    addOns: row.add_ons,
  },
  source: row.source === 'reconcile' ? 'reconcile' : 'event',
});

/** Records observations; one already recorded (same source id: a redelivered event) is skipped. Returns how many were new. */
export async function insertObservations(trx: Transaction<BillingDatabase> | Kysely<BillingDatabase>, observations: readonly VmObservation[]): Promise<number> {
  if (observations.length === 0) return 0;
  const inserted = await trx
    .insertInto('vm_observations')
    .values(
      observations.map((o) => ({
        id: newId(),
        source_id: o.sourceId,
        vm_id: o.vmId,
        organization_id: o.organizationId,
        product_id: o.productId,
        observed_at: o.at,
        running: o.running,
        allocated: o.allocated,
        vcpu: o.shape.vcpu,
        cpu_speed: o.shape.cpuSpeed,
        memory_gib: o.shape.memoryGib,
        disk_gib: o.shape.diskGib,
        storage_tier: o.shape.storageTier,
        licences: [...o.shape.licences],
        add_ons: [...o.shape.addOns],
        source: o.source,
      })),
    )
    .onConflict((oc) => oc.column('source_id').doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

/** Which VMs (of these organisations, or these VMs, or all) to read. */
export type ObservationScope = { readonly organizationIds: readonly string[] } | { readonly vmIds: readonly string[] } | { readonly all: true };

/**
 * Every observation that is in force at some instant of [from, to): the last one at or before `from`
 * for each VM, and all after it before `to`. One statement.
 */
export async function observationsInWindow(db: Kysely<BillingDatabase>, scope: ObservationScope, from: Date, to: Date): Promise<VmObservation[]> {
  const filter =
    'organizationIds' in scope
      ? sql`o.organization_id = any(${[...scope.organizationIds]}::uuid[])`
      : 'vmIds' in scope
        ? sql`o.vm_id = any(${[...scope.vmIds]}::uuid[])`
        : sql`true`;
  const { rows } = await sql<Row>`
    select o.* from vm_observations o
    where ${filter}
      and o.observed_at < ${to}
      and o.observed_at >= coalesce(
        (select max(p.observed_at) from vm_observations p where p.vm_id = o.vm_id and p.observed_at <= ${from}),
        '-infinity'::timestamptz)
    order by o.vm_id, o.observed_at, o.recorded_at, o.id`.execute(db);
  return rows.map(toObservation);
}

/** Each VM's latest observation (by observed time), for these VMs. One statement. */
export async function latestObservations(db: Kysely<BillingDatabase>, vmIds: readonly string[]): Promise<Map<string, VmObservation>> {
  if (vmIds.length === 0) return new Map();
  const { rows } = await sql<Row>`
    select distinct on (vm_id) * from vm_observations
    where vm_id = any(${[...vmIds]}::uuid[])
    order by vm_id, observed_at desc, recorded_at desc, id desc`.execute(db);
  return new Map(rows.map((r) => [r.vm_id, toObservation(r)]));
}

/** Each organisation's usage version (0 before its first observation): it changes with every write to its observations. One statement. */
export async function usageVersions(db: Kysely<BillingDatabase>, organizationIds: readonly string[]): Promise<Map<string, bigint>> {
  const versions = new Map<string, bigint>(organizationIds.map((id) => [id, 0n]));
  if (organizationIds.length === 0) return versions;
  const rows = await db
    .selectFrom('usage_versions')
    .select(['organization_id', 'version'])
    .where('organization_id', 'in', [...organizationIds])
    .execute();
  for (const row of rows) versions.set(row.organization_id, BigInt(row.version));
  return versions;
}
