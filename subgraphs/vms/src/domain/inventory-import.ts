import { writeOutbox } from '@platform/events';
import { inTransaction, newId } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertEvents } from '../db/event-repository.ts';
import { insertImportedVms, lockLiveVmsOfSource, lockVmsByInstanceUuids, replaceImportedVm } from '../db/import-repository.ts';
import { inventoryPage } from '../db/vm-repository.ts';
import type { VmsDatabase } from '../db/types.ts';
import type { Snapshot, SnapshotVm } from './vcenter-snapshot.ts';
import { eventPayload, type PowerState, type Vm, type VmEvent, type VmStatus } from './vm.ts';

export interface ImportReport {
  readonly vcenter: string;
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly gone: number;
  readonly skipped: number;
  readonly unmappedPools: string[];
}

/** A resource pool's organisation, with the path from the root (from the organisation directory). */
export interface PoolTarget {
  readonly organizationId: string;
  readonly orgPath: readonly string[];
}

const STATUS_OF: Record<PowerState, VmStatus> = { POWERED_ON: 'RUNNING', POWERED_OFF: 'STOPPED', SUSPENDED: 'SUSPENDED' };

/**
 * Brings a vCenter inventory in: upserts VMs by instance UUID into the organisations their pools map
 * to, and marks VMs this vCenter reported before but no longer does as DELETED. One transaction; a
 * second run of the same snapshot changes nothing. Unset CPU/memory keep what was known.
 */
export class InventoryImport {
  constructor(private readonly db: Kysely<VmsDatabase>) {}

  /** For billing's reconciliation: every VM (DELETED included) in id order, a page at a time. */
  page(after: string | null, first: number): Promise<Vm[]> {
    return inventoryPage(this.db, after, first);
  }

  async run(snapshot: Snapshot, pools: ReadonlyMap<string, PoolTarget>, actor: string): Promise<ImportReport> {
    const mapped = snapshot.vms.filter((v) => pools.has(v.resourcePool));
    const unmappedPools = [...new Set(snapshot.vms.filter((v) => !pools.has(v.resourcePool)).map((v) => v.resourcePool))].sort();
    const now = new Date();
    return inTransaction(this.db, async (trx) => {
      const known = new Map(
        (
          await lockVmsByInstanceUuids(
            trx,
            mapped.map((v) => v.instanceUuid),
          )
        ).map((vm) => [vm.instanceUuid!, vm]),
      );
      const added: Vm[] = [];
      const changed: { before: Vm; after: Vm }[] = [];
      for (const s of mapped) {
        const target = pools.get(s.resourcePool)!;
        const before = known.get(s.instanceUuid);
        const after = vmFrom(s, target, before, now);
        if (!before) added.push(after);
        else if (differs(before, after)) changed.push({ before, after });
      }
      const present = new Set(snapshot.vms.map((v) => v.instanceUuid));
      const gone = (await lockLiveVmsOfSource(trx, snapshot.vcenter)).filter((vm) => !present.has(vm.instanceUuid ?? ''));

      await insertImportedVms(trx, added, snapshot.vcenter);
      for (const { after } of changed) await replaceImportedVm(trx, after, snapshot.vcenter);
      const goneAfter = gone.map((vm): Vm => ({ ...vm, status: 'DELETED', powerState: 'POWERED_OFF', updatedAt: now }));
      for (const vm of goneAfter) await replaceImportedVm(trx, vm, snapshot.vcenter);

      const history: VmEvent[] = [
        ...added.map((vm) => line(vm, 'IMPORTED', null, actor, now, `From ${snapshot.vcenter}`)),
        ...changed.map(({ before, after }) => line(after, 'IMPORT_UPDATED', before.status, actor, now, `From ${snapshot.vcenter}`)),
        ...goneAfter.map((vm, i) => line(vm, 'IMPORT_GONE', gone[i]!.status, actor, now, `No longer in ${snapshot.vcenter}`)),
      ];
      await insertEvents(trx, history);
      for (const vm of added) await writeOutbox(trx, 'vms.vm.imported', eventPayload(vm, now));
      for (const { after } of changed) await writeOutbox(trx, 'vms.vm.import_updated', eventPayload(after, now));
      for (const vm of goneAfter) await writeOutbox(trx, 'vms.vm.deleted', eventPayload(vm, now));
      return {
        vcenter: snapshot.vcenter,
        added: added.length,
        changed: changed.length,
        unchanged: mapped.length - added.length - changed.length,
        gone: gone.length,
        skipped: snapshot.vms.length - mapped.length,
        unmappedPools,
      };
    });
  }
}

function vmFrom(s: SnapshotVm, target: PoolTarget, before: Vm | undefined, now: Date): Vm {
  return {
    id: before?.id ?? newId(),
    organizationId: target.organizationId,
    orgPath: target.orgPath,
    name: s.name,
    productId: before?.productId ?? null,
    spec: {
      vcpu: s.vcpu ?? before?.spec.vcpu ?? null,
      cpuSpeed: before?.spec.cpuSpeed ?? 'STANDARD',
      memoryMib: s.memoryMib ?? before?.spec.memoryMib ?? null,
      diskGib: s.diskGib,
      storageTier: before?.spec.storageTier ?? 'STANDARD',
    },
    guestOs: s.guestOs,
    // vCenter knows nothing of catalogue licences and add-ons: a re-import keeps what the VM had.
    licences: before?.licences ?? [],
    addOns: before?.addOns ?? [],
    powerState: s.powerState,
    status: STATUS_OF[s.powerState],
    statusReason: null,
    ipAddress: before?.ipAddress ?? null,
    resourcePool: s.resourcePool,
    instanceUuid: s.instanceUuid,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
}

function differs(a: Vm, b: Vm): boolean {
  return (
    a.organizationId !== b.organizationId ||
    a.name !== b.name ||
    a.guestOs !== b.guestOs ||
    a.status !== b.status ||
    a.powerState !== b.powerState ||
    a.resourcePool !== b.resourcePool ||
    a.spec.vcpu !== b.spec.vcpu ||
    a.spec.memoryMib !== b.spec.memoryMib ||
    a.spec.diskGib !== b.spec.diskGib
  );
}

function line(vm: Vm, kind: VmEvent['kind'], from: VmStatus | null, actor: string, at: Date, detail: string): VmEvent {
  return { id: newId(), vmId: vm.id, organizationId: vm.organizationId, kind, fromStatus: from, toStatus: vm.status, actor, detail, at };
}
