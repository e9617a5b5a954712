import { badInput, fail, fieldsUnder, parseId, parseIdempotencyKey, parseOptionalId, parseVmSize } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { VmsContext } from '../context.ts';
import type { VmAction } from '../domain/lifecycle.ts';
import { parseSnapshot } from '../domain/vcenter-snapshot.ts';
import { parseGuestOs, parseVmName } from '../domain/vm-input.ts';
import type { PoolTarget } from '../domain/inventory-import.ts';
import { operableVm } from './access.ts';

async function transition(ctx: VmsContext, id: string, action: VmAction) {
  const { vm, caller } = await operableVm(ctx, parseId(id, 'id'));
  return ctx.services.lifecycle.apply(vm, action, caller.sub);
}

export const Mutation: MutationResolvers = {
  async provisionVirtualMachine(_parent, { input }, ctx) {
    return fieldsUnder('input', async () => {
      ctx.access.requireMember();
      const organizationId = parseId(input.organizationId, 'organizationId');
      const name = parseVmName(input.name);
      const productId = parseOptionalId(input.productId, 'productId');
      const spec = input.spec ? parseVmSize(input.spec) : null;
      if ((productId === null) === (spec === null)) throw badInput(productId ? 'spec' : 'productId', 'give productId or spec, exactly one of them.');
      const guestOs = parseGuestOs(input.guestOs);
      const idempotencyKey = parseIdempotencyKey(input.idempotencyKey);
      const caller = await ctx.access.assertMember(organizationId);
      const node = await ctx.access.node(organizationId);
      if (!node) throw fail('NOT_FOUND', 'organizationId: no organisation you can see has this id.', { field: 'organizationId' });
      return ctx.services.provisioning.provision({
        organizationId,
        name,
        productId,
        spec,
        guestOs,
        idempotencyKey,
        orgPath: [...node.ancestors, organizationId],
        actor: caller.sub,
      });
    });
  },
  powerOnVirtualMachine: (_p, { id }, ctx) => transition(ctx, id, 'POWER_ON'),
  powerOffVirtualMachine: (_p, { id }, ctx) => transition(ctx, id, 'POWER_OFF'),
  restartVirtualMachine: (_p, { id }, ctx) => transition(ctx, id, 'RESTART'),
  suspendVirtualMachine: (_p, { id }, ctx) => transition(ctx, id, 'SUSPEND'),
  deleteVirtualMachine: (_p, { id }, ctx) => transition(ctx, id, 'DELETE'),
  async resizeVirtualMachine(_p, { id, spec }, ctx) {
    const vmId = parseId(id, 'id');
    const resize = parseVmSize(spec);
    const { vm, caller } = await operableVm(ctx, vmId);
    return ctx.services.lifecycle.apply(vm, 'RESIZE', caller.sub, resize);
  },

  async importVirtualMachineInventory(_p, { input }, ctx) {
    return fieldsUnder('input', async () => {
      const caller = await ctx.access.assertProviderStaff('ADMIN', 'import an inventory');
      const snapshot = parseSnapshot(input.snapshot);
      if (input.mappings.length > 1000) throw badInput('mappings', 'may list at most 1,000 pools.');
      const pools = new Map<string, PoolTarget>();
      const ids = input.mappings.map((m, i) => parseId(m.organizationId, `mappings[${i}].organizationId`));
      const nodes = await Promise.all(ids.map((orgId) => ctx.access.node(orgId)));
      input.mappings.forEach((m, i) => {
        const node = nodes[i];
        if (!node) throw badInput(`mappings[${i}].organizationId`, 'no organisation has this id.');
        if (pools.has(m.resourcePool)) throw badInput(`mappings[${i}].resourcePool`, `${m.resourcePool} is mapped twice.`);
        pools.set(m.resourcePool, { organizationId: node.id, orgPath: [...node.ancestors, node.id] });
      });
      return ctx.services.inventory.run(snapshot, pools, caller.sub);
    });
  },
};
