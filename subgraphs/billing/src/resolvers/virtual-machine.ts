import { toMoney } from '@platform/kernel';
import type { VirtualMachineResolvers } from '../__generated__/resolvers-types.ts';
import { canReadMoney } from './access.ts';

export const VirtualMachine: VirtualMachineResolvers = {
  // The VM's organisation is known from its usage; costToDate checks it.
  __resolveReference: (ref) => ({ id: String(ref.id).toLowerCase() }),
  async costToDate(vm, _args, ctx) {
    const cost = await ctx.loaders.costToDate.load({ parentId: vm.id, query: null });
    if (!cost || !(await canReadMoney(ctx, cost.organizationId))) return null;
    return toMoney(cost.amountMinor, cost.currency);
  },
};
