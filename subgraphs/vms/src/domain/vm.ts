import type { VmChanged } from '@platform/events';
import type { CpuSpeedClass, StorageTier } from '@platform/kernel';

export const VM_STATUSES = ['PROVISIONING', 'RUNNING', 'STOPPED', 'SUSPENDED', 'ERROR', 'DELETED'] as const;
export type VmStatus = (typeof VM_STATUSES)[number];
export const POWER_STATES = ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'] as const;
export type PowerState = (typeof POWER_STATES)[number];
export type { CpuSpeedClass, StorageTier } from '@platform/kernel';

/** A VM's size. vcpu and memory are null when a hypervisor did not report them (vSphere leaves them unset). */
export interface VmSpec {
  readonly vcpu: number | null;
  readonly cpuSpeed: CpuSpeedClass;
  readonly memoryMib: number | null;
  readonly diskGib: number;
  readonly storageTier: StorageTier;
}

export interface Vm {
  readonly id: string;
  readonly organizationId: string;
  readonly orgPath: readonly string[];
  readonly name: string;
  readonly productId: string | null;
  readonly spec: VmSpec;
  readonly guestOs: string;
  /** SKUs of the catalogue LICENCE products the VM carries (billed per running hour). */
  readonly licences: readonly string[];
  /** SKUs of the catalogue ADD_ON products the VM carries (billed monthly, pro rata). */
  readonly addOns: readonly string[];
  readonly powerState: PowerState;
  readonly status: VmStatus;
  readonly statusReason: string | null;
  readonly ipAddress: string | null;
  readonly resourcePool: string | null;
  readonly instanceUuid: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type VmEventKind =
  | 'PROVISION_REQUESTED'
  | 'PROVISIONED'
  | 'PROVISION_FAILED'
  | 'POWERED_ON'
  | 'POWERED_OFF'
  | 'RESTARTED'
  | 'SUSPENDED'
  | 'RESIZED'
  | 'DELETED'
  | 'IMPORTED'
  | 'IMPORT_UPDATED'
  | 'IMPORT_GONE';

/** One line of a VM's lifecycle history. */
export interface VmEvent {
  readonly id: string;
  readonly vmId: string;
  readonly organizationId: string;
  readonly kind: VmEventKind;
  readonly fromStatus: VmStatus | null;
  readonly toStatus: VmStatus;
  readonly actor: string;
  readonly detail: string | null;
  readonly at: Date;
}

export interface ResourceSummary {
  readonly vmCount: number;
  readonly running: number;
  readonly vcpuTotal: number;
  readonly memoryMibTotal: number;
  readonly diskGibTotal: number;
  readonly specUnknown: number;
}

export type OrgScope = 'SELF' | 'SUBTREE';
export type VmOrder = 'CREATED_AT_DESC' | 'NAME_ASC';

export interface VmFilter {
  readonly status: readonly VmStatus[] | null;
  readonly powerState: readonly PowerState[] | null;
  readonly search: string | null;
}

/** The payload every vms.vm.* event carries (@platform/events VmChanged), plus the topic's extra fields. */
export function eventPayload<X extends object = object>(vm: Vm, at: Date, extra?: X): VmChanged & X {
  return {
    vmId: vm.id,
    organizationId: vm.organizationId,
    productId: vm.productId,
    status: vm.status,
    powerState: vm.powerState,
    spec: vm.spec,
    licences: vm.licences,
    addOns: vm.addOns,
    at: at.toISOString(),
    ...(extra as X),
  };
}
