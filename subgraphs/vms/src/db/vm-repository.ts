import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { OrgScope, PowerState, ResourceSummary, Vm, VmFilter, VmOrder, VmSpec, VmStatus } from '../domain/vm.ts';
import type { VmsDatabase, VmsDb } from './types.ts';
import { rowFromVm, vmFromRow, type VmRow } from './vm-rows.ts';

export async function findVmsByIds(db: VmsDb, ids: readonly string[]): Promise<Vm[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('virtual_machines').selectAll().where('id', 'in', ids).execute();
  return rows.map(vmFromRow);
}

/** The cursor of a page: [created_at ISO, id] or [name, id], by order. */
export type VmCursor = readonly [string, string];

export interface VmPageQuery {
  readonly scope: OrgScope;
  readonly filter: VmFilter;
  readonly order: VmOrder;
  readonly fetch: number;
  readonly after: VmCursor | null;
}

function scopeCondition(scope: OrgScope): RawBuilder<boolean> {
  return scope === 'SELF' ? sql<boolean>`vm.organization_id = o.org_id` : sql<boolean>`vm.org_path @> array[o.org_id]`;
}

const likePattern = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of VMs for each organisation, in ONE statement however many organisations (a lateral
 * join over the ids): what keeps the fleet page at a fixed statement count.
 */
export async function pagesOfOrganizations(db: VmsDb, orgIds: readonly string[], q: VmPageQuery): Promise<Map<string, Vm[]>> {
  const conditions: RawBuilder<boolean>[] = [scopeCondition(q.scope)];
  // DELETED VMs are history: listed only when asked for by status.
  if (q.filter.status) conditions.push(sql<boolean>`vm.status = any(${[...q.filter.status]}::text[])`);
  else conditions.push(sql<boolean>`vm.status <> 'DELETED'`);
  if (q.filter.powerState) conditions.push(sql<boolean>`vm.power_state = any(${[...q.filter.powerState]}::text[])`);
  if (q.filter.search) conditions.push(sql<boolean>`vm.name ilike ${likePattern(q.filter.search)}`);
  if (q.after) {
    const [k, id] = q.after;
    conditions.push(
      q.order === 'NAME_ASC' ? sql<boolean>`(vm.name, vm.id) > (${k}, ${id}::uuid)` : sql<boolean>`(vm.created_at, vm.id) < (${k}::timestamptz, ${id}::uuid)`,
    );
  }
  const orderBy = q.order === 'NAME_ASC' ? sql`vm.name asc, vm.id asc` : sql`vm.created_at desc, vm.id desc`;
  const result = await sql<VmRow & { parent_org: string }>`
    select v.*, o.org_id as parent_org
    from unnest(${[...orgIds]}::uuid[]) as o(org_id)
    cross join lateral (
      select vm.* from virtual_machines vm
      where ${sql.join(conditions, sql` and `)}
      order by ${orderBy}
      limit ${q.fetch}
    ) v`.execute(db);
  const pages = new Map<string, Vm[]>(orgIds.map((id) => [id, []]));
  for (const row of result.rows) pages.get(row.parent_org)?.push(vmFromRow(row));
  return pages;
}

/** Totals over the VMs that are not DELETED, for each organisation, in ONE statement. */
export async function summariesOfOrganizations(db: VmsDb, orgIds: readonly string[], scope: OrgScope): Promise<Map<string, ResourceSummary>> {
  const result = await sql<{
    org_id: string;
    vm_count: string;
    running: string;
    vcpu: string | null;
    memory_mib: string | null;
    disk_gib: string | null;
    unknown: string;
  }>`
    select o.org_id,
           count(vm.id) as vm_count,
           count(vm.id) filter (where vm.status = 'RUNNING') as running,
           sum(vm.vcpu) as vcpu,
           sum(vm.memory_mib) as memory_mib,
           sum(vm.disk_gib) as disk_gib,
           count(vm.id) filter (where vm.vcpu is null or vm.memory_mib is null) as unknown
    from unnest(${[...orgIds]}::uuid[]) as o(org_id)
    left join virtual_machines vm on ${scopeCondition(scope)} and vm.status <> 'DELETED'
    group by o.org_id`.execute(db);
  return new Map(
    result.rows.map((r) => [
      r.org_id,
      {
        vmCount: Number(r.vm_count),
        running: Number(r.running),
        vcpuTotal: Number(r.vcpu ?? 0),
        memoryMibTotal: Number(r.memory_mib ?? 0),
        diskGibTotal: Number(r.disk_gib ?? 0),
        specUnknown: Number(r.unknown),
      },
    ]),
  );
}

export async function insertVm(trx: Transaction<VmsDatabase>, vm: Vm): Promise<void> {
  await trx.insertInto('virtual_machines').values(rowFromVm(vm)).execute();
}

/** Many VMs in multi-row statements; ids already present are left alone (idempotent seeding). Returns how many were new. */
export async function insertVmsIgnoringExisting(db: VmsDb, vms: readonly Vm[], chunk = 500): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < vms.length; i += chunk) {
    const rows = vms.slice(i, i + chunk).map((vm) => rowFromVm(vm));
    const result = await db
      .insertInto('virtual_machines')
      .values(rows)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

export interface VmChange {
  readonly status: VmStatus;
  readonly powerState: PowerState;
  readonly statusReason?: string | null;
  readonly spec?: VmSpec;
  readonly productId?: string | null;
  readonly ipAddress?: string | null;
  readonly resourcePool?: string | null;
  readonly at: Date;
}

/**
 * Compare-and-set: changes the VM only if its status is one of `from`, so two racing transitions
 * cannot both apply. Null when the VM is not in one of those statuses (or does not exist).
 */
export async function changeVm(
  trx: Transaction<VmsDatabase>,
  id: string,
  from: readonly VmStatus[],
  change: VmChange,
  /** Also compare-and-set on the spec read before (a resize): a concurrent resize makes this one miss. */
  expectSpec?: VmSpec,
): Promise<Vm | null> {
  let query = trx
    .updateTable('virtual_machines')
    .set({
      status: change.status,
      power_state: change.powerState,
      updated_at: change.at,
      ...(change.statusReason !== undefined ? { status_reason: change.statusReason } : {}),
      ...(change.ipAddress !== undefined ? { ip_address: change.ipAddress } : {}),
      ...(change.resourcePool !== undefined ? { resource_pool: change.resourcePool } : {}),
      ...(change.productId !== undefined ? { product_id: change.productId } : {}),
      ...(change.spec
        ? {
            vcpu: change.spec.vcpu,
            cpu_speed: change.spec.cpuSpeed,
            memory_mib: change.spec.memoryMib,
            disk_gib: change.spec.diskGib,
            storage_tier: change.spec.storageTier,
          }
        : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', [...from]);
  if (expectSpec) {
    query = query
      .where(sql<boolean>`vcpu is not distinct from ${expectSpec.vcpu}::integer`)
      .where(sql<boolean>`memory_mib is not distinct from ${expectSpec.memoryMib}::integer`)
      .where('disk_gib', '=', expectSpec.diskGib)
      .where('cpu_speed', '=', expectSpec.cpuSpeed)
      .where('storage_tier', '=', expectSpec.storageTier);
  }
  // Disks only grow, whatever raced: the update never writes a smaller disk than the row holds.
  if (change.spec) query = query.where('disk_gib', '<=', change.spec.diskGib);
  const row = await query.returningAll().executeTakeFirst();
  return row ? vmFromRow(row) : null;
}

export async function findVm(db: VmsDb, id: string): Promise<Vm | null> {
  const row = await db.selectFrom('virtual_machines').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? vmFromRow(row) : null;
}

/** For billing's reconciliation: the whole inventory (DELETED included) in id order, a page at a time. One statement. */
export async function inventoryPage(db: VmsDb, after: string | null, fetch: number): Promise<Vm[]> {
  let query = db.selectFrom('virtual_machines').selectAll().orderBy('id').limit(fetch);
  if (after) query = query.where('id', '>', after);
  return (await query.execute()).map(vmFromRow);
}
