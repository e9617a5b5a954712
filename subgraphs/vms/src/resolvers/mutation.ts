import { badInput, fail, fieldsUnder, parseId, parseIdempotencyKey, parseOptionalId, parseVmSize, type VmSize } from '@platform/kernel';
import type { MutationResolvers, ResourcePoolMapping } from '../__generated__/resolvers-types.ts';
import type { VmsContext } from '../context.ts';
import { parseRuleCondition } from '../domain/alerts/alert-input.ts';
import type { PoolTarget } from '../domain/inventory-import.ts';
import type { VmAction } from '../domain/lifecycle.ts';
import { parseSnapshot } from '../domain/vcenter-snapshot.ts';
import { parseGuestOs, parseSkuList, parseVmName } from '../domain/vm-input.ts';

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

/** A rule the caller may manage: NOT_FOUND unless it sees the rule's organisation, FORBIDDEN below ADMIN there. */
async function ruleToManage(ctx: VmsContext, id: string): Promise<void> {
  ctx.access.requireMember();
  const rule = await ctx.loaders.alertRule.load(id);
  if (!rule || !(await ctx.access.canSee(rule.organizationId))) throw fail('NOT_FOUND', 'id: no alert rule you can see has this id.', { field: 'id' });
  await ctx.access.assertMember(rule.organizationId, 'ADMIN', { field: 'id', what: 'alert rule', write: true });
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
      const licences = parseSkuList(input.licences, 'licences');
      const addOns = parseSkuList(input.addOns, 'addOns');
      const idempotencyKey = parseIdempotencyKey(input.idempotencyKey);
      const caller = await ctx.access.assertMember(organizationId, 'MEMBER', { write: true });
      const node = await ctx.access.node(organizationId);
      if (!node) throw fail('NOT_FOUND', 'organizationId: no organisation you can see has this id.', { field: 'organizationId' });
      const orgPath = [...node.ancestors, organizationId];
      return ctx.services.provisioning.provision({
        organizationId,
        name,
        productId,
        spec,
        guestOs,
        licences,
        addOns,
        idempotencyKey,
        orgPath,
        actor: caller.sub,
      });
    }),
  powerOnVirtualMachine: transition('POWER_ON'),
  powerOffVirtualMachine: transition('POWER_OFF'),
  restartVirtualMachine: transition('RESTART'),
  suspendVirtualMachine: transition('SUSPEND'),
  deleteVirtualMachine: transition('DELETE'),
  resizeVirtualMachine: (_p, { id, spec, idempotencyKey }, ctx) => operate(ctx, parseId(id, 'id'), 'RESIZE', optionalKey(idempotencyKey), parseVmSize(spec)),
  createAlertRule: (_p, { input }, ctx) =>
    fieldsUnder('input', async () => {
      ctx.access.requireMember();
      const organizationId = parseOptionalId(input.organizationId, 'organizationId');
      const vmId = parseOptionalId(input.virtualMachineId, 'virtualMachineId');
      if ((organizationId === null) === (vmId === null)) {
        throw badInput(organizationId ? 'virtualMachineId' : 'organizationId', 'give organizationId or virtualMachineId, exactly one of them.');
      }
      const condition = await fieldsUnder('condition', async () => parseRuleCondition(input.condition));
      let orgId = organizationId;
      if (vmId) {
        const vm = await ctx.loaders.vm.load(vmId);
        if (!vm || vm.status === 'DELETED' || !(await ctx.access.canSee(vm.organizationId))) {
          throw fail('NOT_FOUND', 'virtualMachineId: no VM you can see has this id.', { field: 'virtualMachineId' });
        }
        orgId = vm.organizationId;
      }
      const target = vmId ? { field: 'virtualMachineId', what: 'VM' } : { field: 'organizationId', what: 'organisation' };
      await ctx.access.assertMember(orgId!, 'ADMIN', { ...target, write: true });
      return ctx.services.alerts.createRule({ organizationId: orgId!, vmId, ...condition });
    }),
  updateAlertRule: async (_p, { id, input }, ctx) => {
    const ruleId = parseId(id, 'id');
    const condition = await fieldsUnder('input', async () => parseRuleCondition(input));
    await ruleToManage(ctx, ruleId);
    return ctx.services.alerts.updateRule(ruleId, condition);
  },
  deleteAlertRule: async (_p, { id }, ctx) => {
    const ruleId = parseId(id, 'id');
    await ruleToManage(ctx, ruleId);
    return ctx.services.alerts.deleteRule(ruleId);
  },
  acknowledgeAlert: async (_p, { id }, ctx) => {
    const alertId = parseId(id, 'id');
    ctx.access.requireMember();
    const alert = await ctx.loaders.alert.load(alertId);
    if (!alert || !(await ctx.access.canSee(alert.organizationId))) throw fail('NOT_FOUND', 'id: no alert you can see has this id.', { field: 'id' });
    const caller = await ctx.access.assertMember(alert.organizationId, 'MEMBER', { field: 'id', what: 'alert', write: true });
    return ctx.services.alerts.acknowledge(alert, caller.sub);
  },
  importVirtualMachineInventory: (_p, { input }, ctx) =>
    fieldsUnder('input', async () => {
      const caller = await ctx.access.assertProviderStaff('ADMIN', 'import an inventory');
      const snapshot = parseSnapshot(input.snapshot);
      const pools = await parsePoolMappings(ctx, input.mappings);
      return ctx.services.inventory.run(snapshot, pools, caller.sub);
    }),
};
