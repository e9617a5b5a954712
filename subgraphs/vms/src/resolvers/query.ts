import { parseId } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { visibleVm } from './virtual-machine.ts';

export const Query: QueryResolvers = {
  async virtualMachine(_parent, { id }, ctx) {
    const vmId = parseId(id, 'id');
    ctx.access.requireCaller();
    return visibleVm(ctx, await ctx.loaders.vm.load(vmId));
  },
};
