import { badInput, isUuid } from '@platform/kernel';
import { POWER_STATES, type PowerState } from './vm.ts';

/** One VM of a vSphere inventory snapshot (GET /api/vcenter/vm/{vm}), reduced to what the inventory keeps. */
export interface SnapshotVm {
  readonly vm: string;
  readonly resourcePool: string;
  readonly instanceUuid: string;
  readonly name: string;
  readonly guestOs: string;
  readonly powerState: PowerState;
  /** Unset in the API when the VM's configuration is unavailable. */
  readonly vcpu: number | null;
  readonly memoryMib: number | null;
  readonly diskGib: number;
}

export interface Snapshot {
  readonly vcenter: string;
  readonly vms: readonly SnapshotVm[];
}

const GIB = 1024 ** 3;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the snapshot JSON, naming the first bad place (`snapshot.vms[3].info.power_state`). */
export function parseSnapshot(text: string, field = 'snapshot'): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badInput(field, 'is not valid JSON.');
  }
  if (!isRecord(raw)) throw badInput(field, 'must be a JSON object with vcenter and vms.');
  const vcenter = parseVcenterName(raw['vcenter'], `${field}.vcenter`);
  const list = raw['vms'];
  if (!Array.isArray(list)) throw badInput(`${field}.vms`, 'must be a list.');
  if (list.length > MAX_SNAPSHOT_VMS) throw badInput(`${field}.vms`, 'may hold at most 50,000 VMs per import.');
  const seen = new Set<string>();
  const vms = list.map((entry: unknown, i) => parseSnapshotVm(entry, `${field}.vms[${i}]`, seen));
  return { vcenter, vms };
}

export const MAX_SNAPSHOT_VMS = 50_000;

/** The snapshot's vCenter name, trimmed. */
export function parseVcenterName(vcenter: unknown, field: string): string {
  if (typeof vcenter !== 'string' || vcenter.trim() === '' || vcenter.length > 255) throw badInput(field, 'must name the vCenter.');
  return vcenter.trim();
}

/** One entry of `vms` (at `at`, e.g. `snapshot.vms[3]`); `seen` holds the instance UUIDs met so far. */
export function parseSnapshotVm(entry: unknown, at: string, seen: Set<string>): SnapshotVm {
  if (!isRecord(entry) || !isRecord(entry['info'])) throw badInput(at, 'must have vm, resource_pool and info.');
  const info = entry['info'];
  const identity = isRecord(info['identity']) ? info['identity'] : {};
  const instanceUuid = identity['instance_uuid'];
  if (typeof instanceUuid !== 'string' || !isUuid(instanceUuid)) throw badInput(`${at}.info.identity.instance_uuid`, 'must be a UUID.');
  if (seen.has(instanceUuid.toLowerCase())) throw badInput(`${at}.info.identity.instance_uuid`, 'appears twice in the snapshot.');
  seen.add(instanceUuid.toLowerCase());
  const text = (key: string, value: unknown, max = 80) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) throw badInput(`${at}.${key}`, `must be text of 1 to ${max} characters.`);
    return value.trim();
  };
  const power = info['power_state'];
  if (!(POWER_STATES as readonly unknown[]).includes(power)) throw badInput(`${at}.info.power_state`, `must be one of ${POWER_STATES.join(', ')}.`);
  const cpu = info['cpu'];
  const memory = info['memory'];
  const count = isRecord(cpu) ? cpu['count'] : null;
  const mib = isRecord(memory) ? memory['size_MiB'] : null;
  if (count !== null && count !== undefined && !(Number.isInteger(count) && (count as number) >= 1 && (count as number) <= 1024)) {
    throw badInput(`${at}.info.cpu.count`, 'must be a whole number from 1 to 1024, or unset.');
  }
  if (mib !== null && mib !== undefined && !(Number.isInteger(mib) && (mib as number) >= 1)) {
    throw badInput(`${at}.info.memory.size_MiB`, 'must be a positive whole number, or unset.');
  }
  let bytes = 0;
  const disks = info['disks'];
  if (isRecord(disks)) {
    for (const [key, disk] of Object.entries(disks)) {
      const capacity = isRecord(disk) ? disk['capacity'] : null;
      if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity < 0)
        throw badInput(`${at}.info.disks.${key}.capacity`, 'must be a size in bytes.');
      bytes += capacity;
    }
  }
  return {
    vm: text('vm', entry['vm'], 64),
    resourcePool: text('resource_pool', entry['resource_pool'], 128),
    instanceUuid: instanceUuid.toLowerCase(),
    name: text('info.name', info['name']),
    guestOs: text('info.guest_OS', info['guest_OS'], 64),
    powerState: power as PowerState,
    vcpu: typeof count === 'number' ? count : null,
    memoryMib: typeof mib === 'number' ? mib : null,
    diskGib: Math.ceil(bytes / GIB),
  };
}
