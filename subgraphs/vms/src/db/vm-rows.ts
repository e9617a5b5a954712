import type { Selectable } from 'kysely';
import type { CpuSpeedClass, PowerState, StorageTier, Vm, VmStatus } from '../domain/vm.ts';
import type { VirtualMachinesTable } from './types.ts';

export type VmRow = Selectable<VirtualMachinesTable>;

export function vmFromRow(row: VmRow): Vm {
  return {
    id: row.id,
    organizationId: row.organization_id,
    orgPath: row.org_path,
    name: row.name,
    productId: row.product_id,
    spec: {
      vcpu: row.vcpu,
      cpuSpeed: row.cpu_speed as CpuSpeedClass,
      memoryMib: row.memory_mib,
      diskGib: row.disk_gib,
      storageTier: row.storage_tier as StorageTier,
    },
    guestOs: row.guest_os,
    licences: row.licences,
    addOns: row.add_ons,
    powerState: row.power_state as PowerState,
    status: row.status as VmStatus,
    statusReason: row.status_reason,
    ipAddress: row.ip_address,
    resourcePool: row.resource_pool,
    instanceUuid: row.instance_uuid,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** The insert shape of a VM (a domain Vm back to columns). */
export function rowFromVm(vm: Vm, source: string | null = null): VmRow {
  return {
    id: vm.id,
    organization_id: vm.organizationId,
    org_path: [...vm.orgPath],
    name: vm.name,
    product_id: vm.productId,
    vcpu: vm.spec.vcpu,
    cpu_speed: vm.spec.cpuSpeed,
    memory_mib: vm.spec.memoryMib,
    disk_gib: vm.spec.diskGib,
    storage_tier: vm.spec.storageTier,
    guest_os: vm.guestOs,
    licences: [...vm.licences],
    add_ons: [...vm.addOns],
    power_state: vm.powerState,
    status: vm.status,
    status_reason: vm.statusReason,
    ip_address: vm.ipAddress,
    resource_pool: vm.resourcePool,
    instance_uuid: vm.instanceUuid,
    source,
    created_at: vm.createdAt,
    updated_at: vm.updatedAt,
  };
}
