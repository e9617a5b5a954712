import { badInput } from '@platform/kernel';

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
