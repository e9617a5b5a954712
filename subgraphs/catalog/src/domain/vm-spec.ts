import { badInput, parseVmSize, STORAGE_BLOCK_GIB, VM_COMPONENT_SKUS as COMPONENT_SKUS, type CpuSpeedClass, type StorageTier } from '@platform/kernel';

export { CPU_SPEEDS, STORAGE_TIERS, VM_LIMITS, STORAGE_BLOCK_GIB, type CpuSpeedClass, type StorageTier } from '@platform/kernel';
export { COMPONENT_SKUS };

/** A virtual machine's shape: what a VM_SIZE product carries and what a custom quote line asks for. */
export interface VmSpec {
  readonly vcpu: number;
  readonly cpuSpeed: CpuSpeedClass;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly storageTier: StorageTier;
  /** SKUs of LICENCE products, per VM. */
  readonly licences: readonly string[];
  /** SKUs of ADD_ON products, per VM. */
  readonly addOns: readonly string[];
}

/** What callers hand in (GraphQL input or a test); validated by `parseVmSpec`. */
export interface VmSpecInput {
  readonly vcpu: number;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly cpuSpeed?: string | null;
  readonly storageTier?: string | null;
  readonly licences?: readonly string[] | null;
  readonly addOns?: readonly string[] | null;
}

export const CPU_CLOCK_MHZ: Readonly<Record<CpuSpeedClass, number>> = { STANDARD: 2000, ECONOMY: 1800 };

export const MAX_EXTRAS = 10;
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

export const storageBlocks = (diskGib: number): number => Math.ceil(diskGib / STORAGE_BLOCK_GIB);

/** Validates a spec, naming the field (`spec.vcpu`) and its limits on failure. */
export function parseVmSpec(input: VmSpecInput, field = 'spec'): VmSpec {
  return {
    ...parseVmSize(input, field),
    licences: parseSkuList(input.licences ?? [], `${field}.licences`),
    addOns: parseSkuList(input.addOns ?? [], `${field}.addOns`),
  };
}

function parseSkuList(skus: readonly string[], field: string): string[] {
  if (skus.length > MAX_EXTRAS) throw badInput(field, `may list at most ${MAX_EXTRAS} SKUs.`, { max: MAX_EXTRAS });
  const seen = new Set<string>();
  skus.forEach((sku, i) => {
    if (!SKU_PATTERN.test(sku)) throw badInput(`${field}[${i}]`, `"${sku.slice(0, 40)}" is not a SKU.`);
    if (seen.has(sku)) throw badInput(`${field}[${i}]`, `${sku} is listed twice.`);
    seen.add(sku);
  });
  return [...skus];
}

/** One component of a VM's price: a product by SKU, how many units, and which kind it must be. */
export interface ComponentNeed {
  readonly sku: string;
  readonly quantity: number;
  readonly kind: 'CPU' | 'MEMORY' | 'STORAGE' | 'LICENCE' | 'ADD_ON';
  /** The input field to blame when the SKU does not resolve. */
  readonly field: string;
}

/** The bill of materials of a custom VM, in a fixed order. */
export function componentsOf(spec: VmSpec, field = 'spec'): ComponentNeed[] {
  return [
    { sku: COMPONENT_SKUS.cpu[spec.cpuSpeed], quantity: spec.vcpu, kind: 'CPU', field: `${field}.cpuSpeed` },
    { sku: COMPONENT_SKUS.memory, quantity: spec.memoryGib, kind: 'MEMORY', field: `${field}.memoryGib` },
    { sku: COMPONENT_SKUS.storage[spec.storageTier], quantity: storageBlocks(spec.diskGib), kind: 'STORAGE', field: `${field}.storageTier` },
    ...spec.licences.map((sku, i) => ({ sku, quantity: 1, kind: 'LICENCE' as const, field: `${field}.licences[${i}]` })),
    ...spec.addOns.map((sku, i) => ({ sku, quantity: 1, kind: 'ADD_ON' as const, field: `${field}.addOns[${i}]` })),
  ];
}

export function describeVmSpec(spec: VmSpec): string {
  const extras = [...spec.licences, ...spec.addOns];
  return (
    `Custom VM: ${spec.vcpu} vCPU @ ${(CPU_CLOCK_MHZ[spec.cpuSpeed] / 1000).toFixed(1)} GHz, ${spec.memoryGib} GiB RAM, ` +
    `${spec.diskGib} GiB ${spec.storageTier.toLowerCase()} disk` +
    (extras.length > 0 ? ` + ${extras.join(', ')}` : '')
  );
}
