import { badInput } from '@platform/kernel';
import type { CpuSpeedClass, StorageTier } from './vm.ts';

/** DESIGN §6 limits, inclusive on both ends. */
export const VM_LIMITS = {
  vcpu: { min: 1, max: 64 },
  memoryGib: { min: 1, max: 512 },
  diskGib: { min: 20, max: 10_000 },
} as const;

/** What a custom VM asks for; the shape catalog prices. */
export interface RequestedSpec {
  readonly vcpu: number;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly cpuSpeed: CpuSpeedClass;
  readonly storageTier: StorageTier;
}

export interface SpecInput {
  readonly vcpu: number;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly cpuSpeed?: string | null;
  readonly storageTier?: string | null;
}

/** Validates a spec, naming the field (`spec.vcpu`) and its limits on failure. */
export function parseSpec(input: SpecInput, field = 'spec'): RequestedSpec {
  for (const key of ['vcpu', 'memoryGib', 'diskGib'] as const) {
    const { min, max } = VM_LIMITS[key];
    const value = input[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw badInput(`${field}.${key}`, `must be a whole number from ${min} to ${max}; got ${value}.`, { min, max });
    }
  }
  const cpuSpeed = input.cpuSpeed ?? 'STANDARD';
  const storageTier = input.storageTier ?? 'STANDARD';
  if (cpuSpeed !== 'STANDARD' && cpuSpeed !== 'ECONOMY') throw badInput(`${field}.cpuSpeed`, 'must be STANDARD or ECONOMY.');
  if (storageTier !== 'STANDARD' && storageTier !== 'PREMIUM') throw badInput(`${field}.storageTier`, 'must be STANDARD or PREMIUM.');
  return { vcpu: input.vcpu, memoryGib: input.memoryGib, diskGib: input.diskGib, cpuSpeed, storageTier };
}

/** A DNS label: what a hypervisor and a guest both accept as a host name. */
const VM_NAME = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$/;

export function parseVmName(value: string, field = 'name'): string {
  const name = value.trim();
  if (name.length === 0) throw badInput(field, 'must not be blank.');
  if (name.length > 63) throw badInput(field, 'must be at most 63 characters.');
  if (!VM_NAME.test(name)) {
    throw badInput(field, "must be lower-case letters, digits and '-', start with a letter and not end with '-' (e.g. web-01).");
  }
  return name;
}

const GUEST_OS = /^[A-Z][A-Z0-9_]{1,63}$/;

export function parseGuestOs(value: string, field = 'guestOs'): string {
  const os = value.trim();
  if (!GUEST_OS.test(os)) throw badInput(field, 'must be a vSphere guest OS identifier in capitals, like UBUNTU_64 or WINDOWS_SERVER_2019.');
  return os;
}

const KEY = /^[\x21-\x7E]{1,200}$/;

export function parseIdempotencyKey(value: string, field = 'idempotencyKey'): string {
  if (!KEY.test(value)) throw badInput(field, 'must be 1 to 200 printable characters without spaces.');
  return value;
}
