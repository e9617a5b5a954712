import type { VmSpec as VmSpecGql } from '../__generated__/resolvers-types.ts';
import { CPU_CLOCK_MHZ, type VmSpec } from '../domain/vm-spec.ts';

/** VmSpec (on Product.spec and QuoteLine.spec), tagged so graphql-js resolves the ProductSpec union. */
export const vmSpec = (spec: VmSpec): VmSpecGql & { __typename: 'VmSpec' } => ({
  __typename: 'VmSpec',
  vcpu: spec.vcpu,
  cpuSpeed: spec.cpuSpeed,
  cpuClockMhz: CPU_CLOCK_MHZ[spec.cpuSpeed],
  memoryGib: spec.memoryGib,
  diskGib: spec.diskGib,
  storageTier: spec.storageTier,
  licences: [...spec.licences],
  addOns: [...spec.addOns],
});
