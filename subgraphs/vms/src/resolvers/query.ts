import { badInput, parseId, parseOptionalId } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { visibleVm } from './virtual-machine.ts';

export const Query: QueryResolvers = {
  async virtualMachine(_parent, { id }, ctx) {
    const vmId = parseId(id, 'id');
    ctx.access.requireCaller();
    return visibleVm(ctx, await ctx.loaders.vm.load(vmId));
  },
  /** Service-only (@inaccessible): scope vms:read. */
  async internalInventory(_parent, { first, after }, ctx) {
    ctx.access.requireServiceScope('vms:read');
    if (!Number.isInteger(first) || first < 1 || first > 1000) throw badInput('first', 'must be between 1 and 1000.');
    const vms = await ctx.services.inventory.page(parseOptionalId(after, 'after'), first);
    return vms.map((vm) => ({
      id: vm.id,
      organizationId: vm.organizationId,
      productId: vm.productId,
      status: vm.status,
      powerState: vm.powerState,
      vcpu: vm.spec.vcpu,
      cpuSpeed: vm.spec.cpuSpeed,
      memoryMib: vm.spec.memoryMib,
      diskGib: vm.spec.diskGib,
      storageTier: vm.spec.storageTier,
      licences: [...vm.licences],
      addOns: [...vm.addOns],
      createdAt: vm.createdAt,
    }));
  },
};
