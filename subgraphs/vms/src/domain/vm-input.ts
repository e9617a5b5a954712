import { badInput, parseOptionalText } from '@platform/kernel';
import type { PowerState, VmFilter, VmStatus } from './vm.ts';

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

/** Each listed value once, in a stable order (so equal filters batch together); an empty list is no filter. */
const anyOf = <T extends string>(values: readonly T[] | null | undefined): readonly T[] | null =>
  values && values.length > 0 ? [...new Set(values)].sort() : null;

export function parseVmFilter(
  filter: { status?: readonly VmStatus[] | null; powerState?: readonly PowerState[] | null; search?: string | null } | null | undefined,
): VmFilter {
  return {
    status: anyOf(filter?.status),
    powerState: anyOf(filter?.powerState),
    search: parseOptionalText(filter?.search, 'filter.search', { max: 100 }),
  };
}

/** A catalogue SKU (catalog's own rule, e.g. LIC-WIN-SRV). */
const SKU = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
/** As many licences (or add-ons) as catalog lets a VM spec list. */
export const MAX_VM_EXTRAS = 10;

/** A list of SKUs: each well-formed and listed once. Whether each is a product of the right kind is catalog's to say. */
export function parseSkuList(values: readonly string[] | null | undefined, field: string): string[] {
  const skus = values ?? [];
  if (skus.length > MAX_VM_EXTRAS) throw badInput(field, `may list at most ${MAX_VM_EXTRAS} SKUs.`, { max: MAX_VM_EXTRAS });
  const seen = new Set<string>();
  return skus.map((value, i) => {
    const sku = value.trim();
    if (!SKU.test(sku)) throw badInput(`${field}[${i}]`, `"${sku.slice(0, 40)}" is not a SKU (capitals, digits and '-', like LIC-WIN-SRV).`);
    if (seen.has(sku)) throw badInput(`${field}[${i}]`, `${sku} is listed twice.`);
    seen.add(sku);
    return sku;
  });
}
