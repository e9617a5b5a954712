import type { Transaction } from 'kysely';
import type { Vm } from '../domain/vm.ts';
import type { VmsDatabase } from './types.ts';
import { rowFromVm, vmFromRow } from './vm-rows.ts';

type Trx = Transaction<VmsDatabase>;

/** VMs known by instance UUID, locked for the import's transaction. */
export async function lockVmsByInstanceUuids(trx: Trx, uuids: readonly string[]): Promise<Vm[]> {
  if (uuids.length === 0) return [];
  const rows = await trx
    .selectFrom('virtual_machines')
    .selectAll()
    .where('instance_uuid', 'in', [...uuids])
    .forUpdate()
    .execute();
  return rows.map(vmFromRow);
}

/** VMs imported from `source` (a vCenter) and not DELETED. */
export async function lockLiveVmsOfSource(trx: Trx, source: string): Promise<Vm[]> {
  const rows = await trx.selectFrom('virtual_machines').selectAll().where('source', '=', source).where('status', '<>', 'DELETED').forUpdate().execute();
  return rows.map(vmFromRow);
}

export async function insertImportedVms(trx: Trx, vms: readonly Vm[], source: string, chunk = 500): Promise<void> {
  for (let i = 0; i < vms.length; i += chunk) {
    await trx
      .insertInto('virtual_machines')
      .values(vms.slice(i, i + chunk).map((vm) => rowFromVm(vm, source)))
      .execute();
  }
}

/** Overwrites an imported VM with what the snapshot says. */
export async function replaceImportedVm(trx: Trx, vm: Vm, source: string): Promise<void> {
  const { id: _id, created_at: _c, ...row } = rowFromVm(vm, source);
  await trx.updateTable('virtual_machines').set(row).where('id', '=', vm.id).execute();
}
