import { writeOutbox } from '@platform/events';
import { badInput, fail, inTransaction, newId } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertEvents } from '../db/event-repository.ts';
import type { VmsDatabase } from '../db/types.ts';
import { changeVm, findVm } from '../db/vm-repository.ts';
import type { ComputeProvider } from './compute-provider.ts';
import { canTransition, invalidStateMessage, TRANSITIONS, type VmAction } from './lifecycle.ts';
import type { VmSize } from '@platform/kernel';
import { eventPayload, type Vm, type VmSpec } from './vm.ts';

/**
 * Power and lifecycle operations: the state machine of lifecycle.ts, applied as a compare-and-set on
 * the VM's status together with its history line and outbox event (one transaction).
 */
export class Lifecycle {
  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly compute: ComputeProvider,
  ) {}

  async apply(vm: Vm, action: VmAction, actor: string, resize?: VmSize): Promise<Vm> {
    const t = TRANSITIONS[action];
    if (!canTransition(action, vm.status)) throw fail('INVALID_STATE', invalidStateMessage(action, vm.status), { status: vm.status });
    let spec: VmSpec | undefined;
    let detail: string | null = null;
    if (resize) {
      if (resize.diskGib < vm.spec.diskGib) {
        throw badInput('spec.diskGib', `must be at least the current ${vm.spec.diskGib} GiB: disks only grow.`, { min: vm.spec.diskGib });
      }
      spec = { vcpu: resize.vcpu, cpuSpeed: resize.cpuSpeed, memoryMib: resize.memoryGib * 1024, diskGib: resize.diskGib, storageTier: resize.storageTier };
      detail = `${describe(vm.spec)} → ${describe(spec)}`;
    }
    await this.compute.apply(vm.id, action);
    const now = new Date();
    return inTransaction(this.db, async (trx) => {
      const changed = await changeVm(trx, vm.id, [vm.status], {
        status: t.to,
        powerState: t.powerState,
        at: now,
        ...(spec ? { spec, productId: null } : {}),
      });
      if (!changed) {
        // Another request moved it first: report the state it is in now.
        const current = await findVm(trx, vm.id);
        if (!current) throw fail('NOT_FOUND', 'id: no VM you can see has this id.', { field: 'id' });
        throw fail('INVALID_STATE', invalidStateMessage(action, current.status), { status: current.status });
      }
      await insertEvents(trx, [
        { id: newId(), vmId: vm.id, organizationId: vm.organizationId, kind: t.event, fromStatus: vm.status, toStatus: t.to, actor, detail, at: now },
      ]);
      await writeOutbox(trx, t.topic, eventPayload(changed, now, spec ? { previousSpec: vm.spec } : {}));
      return changed;
    });
  }
}

const describe = (s: VmSpec) =>
  `${s.vcpu ?? '?'} vCPU, ${s.memoryMib === null ? '?' : s.memoryMib / 1024} GiB, ${s.diskGib} GiB ${s.storageTier.toLowerCase()}`;
