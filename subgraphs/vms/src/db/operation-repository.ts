import type { Vm } from '../domain/vm.ts';
import type { VmsDb } from './types.ts';
import { rowFromVm, vmFromRow, type VmRow } from './vm-rows.ts';

export interface VmOperation {
  readonly action: string;
  readonly requestHash: string;
  /** The VM as the operation answered it. */
  readonly result: Vm;
}

export async function findOperation(db: VmsDb, vmId: string, key: string): Promise<VmOperation | null> {
  const row = await db.selectFrom('vm_operations').selectAll().where('vm_id', '=', vmId).where('idempotency_key', '=', key).executeTakeFirst();
  return row ? { action: row.action, requestHash: row.request_hash, result: vmFromRow(row.result as VmRow) } : null;
}

/** Records an operation's answer (in the transaction of its change). */
export async function insertOperation(db: VmsDb, vmId: string, key: string, op: VmOperation): Promise<void> {
  await db
    .insertInto('vm_operations')
    .values({ vm_id: vmId, idempotency_key: key, action: op.action, request_hash: op.requestHash, result: JSON.stringify(rowFromVm(op.result)) })
    .execute();
}
