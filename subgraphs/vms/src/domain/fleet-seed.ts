import { ipFor } from './compute-provider.ts';
import { licencesFor } from './guest-licence.ts';
import type { CpuSpeedClass, PowerState, StorageTier, Vm, VmStatus } from './vm.ts';

/** A customer to seed VMs for: where it sits in the tree, a name prefix, and its share of the fleet. */
export interface FleetCustomer {
  readonly id: string;
  readonly orgPath: readonly string[];
  /** Lower-case prefix of VM names, e.g. "protea". */
  readonly slug: string;
  readonly weight: number;
}

/** A catalogue VM size (read from catalog by SKU). */
export interface FleetProduct {
  readonly id: string;
  readonly sku: string;
  readonly vcpu: number;
  readonly cpuSpeed: CpuSpeedClass;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly storageTier: StorageTier;
}

const ROLES = ['web', 'app', 'api', 'db', 'cache', 'build', 'vpn', 'files', 'mail', 'etl', 'k8s-node', 'monitor', 'jump', 'queue', 'search'] as const;
const GUESTS: readonly [string, number][] = [
  ['UBUNTU_64', 38],
  ['DEBIAN_12_64', 14],
  ['RHEL_9_64', 14],
  ['CENTOS_8_64', 6],
  ['WINDOWS_SERVER_2019', 16],
  ['WINDOWS_SERVER_2022', 12],
];
const STATES: readonly [VmStatus, number][] = [
  ['RUNNING', 72],
  ['STOPPED', 16],
  ['SUSPENDED', 4],
  ['ERROR', 3],
  ['DELETED', 5],
];
const POWER: Record<VmStatus, PowerState> = {
  PROVISIONING: 'POWERED_OFF',
  RUNNING: 'POWERED_ON',
  STOPPED: 'POWERED_OFF',
  SUSPENDED: 'SUSPENDED',
  ERROR: 'POWERED_OFF',
  DELETED: 'POWERED_OFF',
};
/**
 * Some VMs carry an add-on, so demo bills show add-on lines: decided by the VM's number, not the random
 * stream, so the rest of the fleet is the one seeded before add-ons existed.
 */
const addOnsOf = (n: number): string[] => (n % 8 === 0 ? ['ADD-BACKUP'] : n % 12 === 6 ? ['ADD-MONITOR'] : []);

/** Small sizes are far more common than large ones. */
const sizeWeight = (p: FleetProduct) => Math.max(1, Math.round(64 / p.vcpu));

/** Seeded VM ids are fixed (a v7-shaped uuid from the VM's number), so seeding twice adds nothing. */
export const fleetVmId = (n: number): string => `01935c01-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

/** Fixed, so a re-seed produces identical rows. */
const FLEET_EPOCH = Date.parse('2026-11-01T00:00:00Z');

/**
 * A realistic fleet: `total` VMs spread over the customers by weight, sized from the catalogue's VM
 * sizes (small ones more often), with a mix of guests and states. Deterministic for the same input.
 */
export function generateFleet(customers: readonly FleetCustomer[], products: readonly FleetProduct[], total: number): Vm[] {
  if (customers.length === 0 || products.length === 0) return [];
  const random = mulberry32(0x5eed_f1ee);
  const pick = <T>(items: readonly [T, number][]): T => {
    const sum = items.reduce((s, [, w]) => s + w, 0);
    let r = random() * sum;
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1]![0];
  };
  const sized = products.map((p) => [p, sizeWeight(p)] as [FleetProduct, number]);
  const weightSum = customers.reduce((s, c) => s + c.weight, 0);
  const counts = customers.map((c) => Math.floor((total * c.weight) / weightSum));
  counts[0]! += total - counts.reduce((s, n) => s + n, 0);

  const vms: Vm[] = [];
  customers.forEach((customer, ci) => {
    for (let i = 0; i < counts[ci]!; i++) {
      const n = vms.length + 1;
      const id = fleetVmId(n);
      const product = pick(sized);
      const status = pick(STATES);
      const role = ROLES[Math.floor(random() * ROLES.length)]!;
      const createdAt = new Date(FLEET_EPOCH - Math.floor(random() * 730 * 24 * 3600) * 1000);
      const updatedAt = new Date(createdAt.getTime() + Math.floor(random() * 30 * 24 * 3600) * 1000);
      const guestOs = pick(GUESTS);
      vms.push({
        id,
        organizationId: customer.id,
        orgPath: customer.orgPath,
        name: `${customer.slug}-${role}-${String(i + 1).padStart(4, '0')}`,
        productId: product.id,
        spec: {
          vcpu: product.vcpu,
          cpuSpeed: product.cpuSpeed,
          memoryMib: product.memoryGib * 1024,
          diskGib: product.diskGib,
          storageTier: product.storageTier,
        },
        guestOs,
        // A Windows Server guest carries its licence (LIC-WIN-SRV), as one provisioned would.
        licences: licencesFor(guestOs, []),
        addOns: addOnsOf(n),
        powerState: POWER[status],
        status,
        statusReason: status === 'ERROR' ? 'Guest tools stopped responding after a host failure.' : null,
        ipAddress: status === 'DELETED' ? null : ipFor(id),
        resourcePool: `rp-${customer.slug}`,
        instanceUuid: null,
        createdAt,
        updatedAt,
      });
    }
  });
  return vms;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
