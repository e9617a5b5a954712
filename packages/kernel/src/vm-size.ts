import { badInput } from './errors.ts';

/** The sizes a VM may have (DESIGN §6), shared by catalog (pricing) and vms (provisioning, resize). */
export type CpuSpeedClass = 'STANDARD' | 'ECONOMY';
export type StorageTier = 'STANDARD' | 'PREMIUM';

export const VM_LIMITS = {
  vcpu: { min: 1, max: 64 },
  memoryGib: { min: 1, max: 512 },
  diskGib: { min: 20, max: 10_000 },
} as const;

export const CPU_SPEEDS: readonly CpuSpeedClass[] = ['STANDARD', 'ECONOMY'];
export const STORAGE_TIERS: readonly StorageTier[] = ['STANDARD', 'PREMIUM'];

export interface VmSize {
  readonly vcpu: number;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly cpuSpeed: CpuSpeedClass;
  readonly storageTier: StorageTier;
}

export interface VmSizeInput {
  readonly vcpu: number;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly cpuSpeed?: string | null;
  readonly storageTier?: string | null;
}

/** Validates a size, naming the field (`spec.vcpu`) and its limits (inclusive) on failure. */
export function parseVmSize(input: VmSizeInput, field = 'spec'): VmSize {
  for (const key of ['vcpu', 'memoryGib', 'diskGib'] as const) {
    const { min, max } = VM_LIMITS[key];
    const value = input[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw badInput(`${field}.${key}`, `must be a whole number from ${min} to ${max}; got ${value}.`, { min, max });
    }
  }
  return {
    vcpu: input.vcpu,
    memoryGib: input.memoryGib,
    diskGib: input.diskGib,
    cpuSpeed: oneOf(input.cpuSpeed ?? 'STANDARD', CPU_SPEEDS, `${field}.cpuSpeed`),
    storageTier: oneOf(input.storageTier ?? 'STANDARD', STORAGE_TIERS, `${field}.storageTier`),
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw badInput(field, `must be one of ${allowed.join(', ')}.`);
  return value as T;
}

/** The component products a VM is priced from (stable catalogue SKUs): catalog prices them, billing rates usage with them. */
export const VM_COMPONENT_SKUS = {
  cpu: { STANDARD: 'CPU-STD-VCPU', ECONOMY: 'CPU-ECO-VCPU' },
  memory: 'RAM-GIB',
  storage: { STANDARD: 'STO-STD-100G', PREMIUM: 'STO-PRM-100G' },
} as const satisfies { cpu: Record<CpuSpeedClass, string>; memory: string; storage: Record<StorageTier, string> };

/** Storage is sold in blocks: a disk is billed for every started block. */
export const STORAGE_BLOCK_GIB = 100;
