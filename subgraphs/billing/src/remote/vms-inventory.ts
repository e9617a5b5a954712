import { createServiceClient, type ServiceTokenSource } from '@platform/kernel';
import type { InventoryPort, InventoryVm } from '../domain/ports.ts';

const PAGE = `query BillingInventory($first: Int!, $after: ID) {
  internalInventory(first: $first, after: $after) { id organizationId productId status powerState vcpu cpuSpeed memoryMib diskGib storageTier licences addOns createdAt }
}`;

/** vms's internalInventory (scope vms:read). */
export function vmsInventory(vmsUrl: string | (() => string), tokens: ServiceTokenSource): InventoryPort {
  const vms = createServiceClient({ url: vmsUrl, tokens });
  return {
    async page(after, first) {
      const data = await vms.request<{ internalInventory: (Omit<InventoryVm, 'createdAt'> & { createdAt: string })[] }>(PAGE, { first, after });
      return data.internalInventory.map((vm) => ({ ...vm, createdAt: new Date(vm.createdAt) }));
    },
  };
}
