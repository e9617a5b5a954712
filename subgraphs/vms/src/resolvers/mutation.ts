import { badInput, fail, fieldsUnder, parseId, parseIdempotencyKey, parseOptionalId, parseVmSize, type VmSize } from '@platform/kernel';
import type { MutationResolvers, ResourcePoolMapping } from '../__generated__/resolvers-types.ts';
import type { VmsContext } from '../context.ts';
import type { PoolTarget } from '../domain/inventory-import.ts';
import type { VmAction } from '../domain/lifecycle.ts';
import { parseSnapshot } from '../domain/vcenter-snapshot.ts';
import { parseGuestOs, parseVmName } from '../domain/vm-input.ts';

/** What a suspended organisation may not do to its VMs (powering off and deleting stop spending, so stay allowed). */
const SPENDS: readonly VmAction[] = ['POWER_ON', 'RESTART', 'RESIZE'];

/** A VM to operate on: NOT_FOUND unless the caller sees it, FORBIDDEN below MEMBER on its organisation. */
async function operate(ctx: VmsContext, id: string, action: VmAction, idempotencyKey: string | null, resize?: VmSize) {
  ctx.access.requireMember();
  const vm = await ctx.loaders.vm.load(id);
  if (!vm) throw fail('NOT_FOUND', 'id: no VM you can see has this id.', { field: 'id' });
  const caller = await ctx.access.assertMember(vm.organizationId, 'MEMBER', { field: 'id', what: 'VM', write: SPENDS.includes(action) });
  return ctx.services.lifecycle.apply(vm, action, { actor: caller.sub, resize, idempotencyKey });
}

const optionalKey = (key: string | null | undefined) => (key === null || key === undefined ? null : parseIdempotencyKey(key));

const transition =
  (action: VmAction): MutationResolvers['powerOnVirtualMachine'] =>
  (_p, { id, idempotencyKey }, ctx) =>
    operate(ctx, parseId(id, 'id'), action, optionalKey(idempotencyKey));

/** Each pool once, mapped to an organisation that exists (any: only provider staff import). */
async function parsePoolMappings(ctx: VmsContext, mappings: readonly ResourcePoolMapping[]): Promise<Map<string, PoolTarget>> {
  if (mappings.length > 1000) throw badInput('mappings', 'may list at most 1,000 pools.');
  const ids = mappings.map((m, i) => parseId(m.organizationId, `mappings[${i}].organizationId`));
  const nodes = await Promise.all(ids.map((orgId) => ctx.access.node(orgId)));
  const pools = new Map<string, PoolTarget>();
  mappings.forEach((m, i) => {
    const node = nodes[i];
    if (!node) throw badInput(`mappings[${i}].organizationId`, 'no organisation has this id.');
    if (pools.has(m.resourcePool)) throw badInput(`mappings[${i}].resourcePool`, `${m.resourcePool} is mapped twice.`);
    pools.set(m.resourcePool, { organizationId: node.id, orgPath: [...node.ancestors, node.id] });
  });
  return pools;
}

export const Mutation: MutationResolvers = {
  provisionVirtualMachine: (_p, { input }, ctx) =>
    fieldsUnder('input', async () => {
      ctx.access.requireMember();
      const organizationId = parseId(input.organizationId, 'organizationId');
      const name = parseVmName(input.name);
      const productId = parseOptionalId(input.productId, 'productId');
      const spec = input.spec ? parseVmSize(input.spec) : null;
      if ((productId === null) === (spec === null)) throw badInput(productId ? 'spec' : 'productId', 'give productId or spec, exactly one of them.');
      const guestOs = parseGuestOs(input.guestOs);
      const idempotencyKey = parseIdempotencyKey(input.idempotencyKey);
      const caller = await ctx.access.assertMember(organizationId, 'MEMBER', { write: true });
      const node = await ctx.access.node(organizationId);
      if (!node) throw fail('NOT_FOUND', 'organizationId: no organisation you can see has this id.', { field: 'organizationId' });
      const orgPath = [...node.ancestors, organizationId];
      return ctx.services.provisioning.provision({ organizationId, name, productId, spec, guestOs, idempotencyKey, orgPath, actor: caller.sub });
    }),
  powerOnVirtualMachine: transition('POWER_ON'),
  powerOffVirtualMachine: transition('POWER_OFF'),
  restartVirtualMachine: transition('RESTART'),
  suspendVirtualMachine: transition('SUSPEND'),
  deleteVirtualMachine: transition('DELETE'),
  resizeVirtualMachine: (_p, { id, spec, idempotencyKey }, ctx) => operate(ctx, parseId(id, 'id'), 'RESIZE', optionalKey(idempotencyKey), parseVmSize(spec)),
  importVirtualMachineInventory: (_p, { input }, ctx) =>
    fieldsUnder('input', async () => {
      const caller = await ctx.access.assertProviderStaff('ADMIN', 'import an inventory');
      const snapshot = parseSnapshot(input.snapshot);
      const pools = await parsePoolMappings(ctx, input.mappings);
      return ctx.services.inventory.run(snapshot, pools, caller.sub);
    }),
};
