import type { ProductKind, StorageBlockSpec } from './product.ts';
import { COMPONENT_SKUS, storageBlocks, type CpuSpeedClass, type StorageTier, type VmSpec } from './vm-spec.ts';

/**
 * The demo catalogue: 39 products in 10 categories, priced from the predecessor's monthly list prices
 * (DESIGN §6, ZAR). SKUs are stable: re-seeding finds products by SKU and adds nothing twice.
 * VM sizes are priced as the sum of their components, exactly as a custom VM of the same spec.
 */
export const SEED_PRICES_FROM = new Date('2025-01-01T00:00:00.000Z');
/** South African VAT has been 15 % since 1 April 2018. */
export const SEED_VAT = { basisPoints: 1500, effectiveFrom: new Date('2018-04-01T00:00:00.000+02:00') };

/** Monthly list prices in cents. */
export const LIST_PRICES = {
  vcpu: { STANDARD: 15_500n, ECONOMY: 7_800n } satisfies Record<CpuSpeedClass, bigint>,
  ramPerGib: 3_800n,
  storagePerBlock: { STANDARD: 18_000n, PREMIUM: 27_500n } satisfies Record<StorageTier, bigint>,
  windowsLicence: 8_900n,
  backup: 4_500n,
  monitoring: 2_500n,
} as const;

export interface SeedCategory {
  readonly code: string;
  readonly name: string;
}

export interface SeedProduct {
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly kind: ProductKind;
  readonly category: string; // category code
  readonly vmSpec: VmSpec | null;
  readonly storageBlock: StorageBlockSpec | null;
  readonly monthlyMinor: bigint;
}

export const SEED_CATEGORIES: readonly SeedCategory[] = [
  { code: 'compute', name: 'Compute' },
  { code: 'memory', name: 'Memory' },
  { code: 'block-storage', name: 'Block storage' },
  { code: 'licences', name: 'Licences' },
  { code: 'backup', name: 'Backup' },
  { code: 'monitoring', name: 'Monitoring' },
  { code: 'general-purpose', name: 'General purpose VMs' },
  { code: 'economy', name: 'Economy VMs' },
  { code: 'memory-optimised', name: 'Memory optimised VMs' },
  { code: 'performance', name: 'Performance VMs' },
];

export function vmListPrice(spec: VmSpec): bigint {
  return (
    LIST_PRICES.vcpu[spec.cpuSpeed] * BigInt(spec.vcpu) +
    LIST_PRICES.ramPerGib * BigInt(spec.memoryGib) +
    LIST_PRICES.storagePerBlock[spec.storageTier] * BigInt(storageBlocks(spec.diskGib))
  );
}

const component = (sku: string, name: string, kind: ProductKind, category: string, monthlyMinor: bigint, description: string): SeedProduct => ({
  sku,
  name,
  description,
  kind,
  category,
  vmSpec: null,
  storageBlock: null,
  monthlyMinor,
});

const COMPONENTS: readonly SeedProduct[] = [
  component(COMPONENT_SKUS.cpu.STANDARD, 'vCPU, 2.0 GHz', 'CPU', 'compute', LIST_PRICES.vcpu.STANDARD, 'One 2.0 GHz virtual CPU per month.'),
  component(COMPONENT_SKUS.cpu.ECONOMY, 'vCPU, 1.8 GHz', 'CPU', 'compute', LIST_PRICES.vcpu.ECONOMY, 'One 1.8 GHz virtual CPU per month.'),
  component(COMPONENT_SKUS.memory, 'RAM, 1 GiB', 'MEMORY', 'memory', LIST_PRICES.ramPerGib, 'One GiB of memory per month.'),
  {
    ...component(
      COMPONENT_SKUS.storage.STANDARD,
      'Standard storage, 100 GiB',
      'STORAGE',
      'block-storage',
      LIST_PRICES.storagePerBlock.STANDARD,
      'A 100 GiB block of standard disk per month.',
    ),
    storageBlock: { sizeGib: 100, tier: 'STANDARD' },
  },
  {
    ...component(
      COMPONENT_SKUS.storage.PREMIUM,
      'Premium storage, 100 GiB',
      'STORAGE',
      'block-storage',
      LIST_PRICES.storagePerBlock.PREMIUM,
      'A 100 GiB block of premium (SSD) disk per month.',
    ),
    storageBlock: { sizeGib: 100, tier: 'PREMIUM' },
  },
  component('LIC-WIN-SRV', 'Windows Server licence', 'LICENCE', 'licences', LIST_PRICES.windowsLicence, 'Windows Server licence, per VM per month.'),
  component('ADD-BACKUP', 'Daily backup', 'ADD_ON', 'backup', LIST_PRICES.backup, 'Daily image backup with 14-day retention, per VM per month.'),
  component('ADD-MONITOR', 'Monitoring', 'ADD_ON', 'monitoring', LIST_PRICES.monitoring, 'Metrics and alerting, per VM per month.'),
];

interface SizeLine {
  readonly vcpu: number;
  readonly memoryGib: number;
  readonly diskGib: number;
}

function family(prefix: string, label: string, category: string, cpuSpeed: CpuSpeedClass, storageTier: StorageTier, sizes: readonly SizeLine[]): SeedProduct[] {
  return sizes.map(({ vcpu, memoryGib, diskGib }) => {
    const vmSpec: VmSpec = { vcpu, cpuSpeed, memoryGib, diskGib, storageTier, licences: [], addOns: [] };
    return {
      sku: `VM-${prefix}-${vcpu}C${memoryGib}G`,
      name: `${label} ${vcpu} vCPU / ${memoryGib} GiB`,
      description: `${vcpu} × ${cpuSpeed === 'STANDARD' ? '2.0' : '1.8'} GHz vCPU, ${memoryGib} GiB RAM, ${diskGib} GiB ${storageTier.toLowerCase()} disk.`,
      kind: 'VM_SIZE',
      category,
      vmSpec,
      storageBlock: null,
      monthlyMinor: vmListPrice(vmSpec),
    };
  });
}

const size = (vcpu: number, memoryGib: number, diskGib: number): SizeLine => ({ vcpu, memoryGib, diskGib });

export const SEED_PRODUCTS: readonly SeedProduct[] = [
  ...COMPONENTS,
  ...family('GP', 'General purpose', 'general-purpose', 'STANDARD', 'STANDARD', [
    size(1, 2, 40),
    size(1, 4, 60),
    size(2, 4, 80),
    size(2, 8, 100),
    size(4, 8, 160),
    size(4, 16, 200),
    size(8, 16, 320),
    size(8, 32, 400),
  ]),
  ...family('ECO', 'Economy', 'economy', 'ECONOMY', 'STANDARD', [
    size(1, 1, 20),
    size(1, 2, 40),
    size(2, 2, 40),
    size(2, 4, 60),
    size(4, 4, 80),
    size(4, 8, 100),
    size(8, 8, 160),
    size(8, 16, 200),
  ]),
  ...family('MEM', 'Memory optimised', 'memory-optimised', 'STANDARD', 'STANDARD', [
    size(1, 8, 50),
    size(2, 16, 100),
    size(4, 32, 200),
    size(8, 64, 300),
    size(16, 128, 500),
    size(32, 256, 1000),
    size(64, 512, 2000),
  ]),
  ...family('PERF', 'Performance', 'performance', 'STANDARD', 'PREMIUM', [
    size(2, 4, 100),
    size(2, 8, 100),
    size(4, 8, 200),
    size(4, 16, 200),
    size(8, 32, 500),
    size(16, 64, 1000),
    size(32, 128, 2000),
    size(64, 256, 4000),
  ]),
];
