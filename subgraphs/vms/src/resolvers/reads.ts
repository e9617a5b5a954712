import { isUuid, parseId, parsePage, toConnection } from '@platform/kernel';
import type {
  OrganizationResolvers,
  QueryResolvers,
  ResourceSummaryResolvers,
  VirtualMachineResolvers,
} from '../__generated__/resolvers-types.ts';
import type { VmsContext } from '../context.ts';
import { visibleVm } from './access.ts';
import { vmFilterArg, vmPage } from './inputs.ts';

export const Query: QueryResolvers = {
  async virtualMachine(_parent, { id }, ctx) {
    ctx.access.requireCaller();
    return visibleVm(ctx, await ctx.loaders.vm.load(parseId(id, 'id')));
  },
};

/** Visible organisation id, or null (not a UUID, or outside the caller's subtree). */
async function visibleOrg(id: string, ctx: VmsContext): Promise<string | null> {
  if (!isUuid(id)) return null;
  const orgId = id.toLowerCase();
  return (await ctx.access.canSee(orgId)) ? orgId : null;
}

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async virtualMachines(org, args, ctx) {
    const orgId = await visibleOrg(org.id, ctx);
    if (!orgId) return null;
    const order = args.orderBy ?? 'CREATED_AT_DESC';
    const page = vmPage(args, order);
    const query = { scope: args.scope ?? 'SELF', filter: vmFilterArg(args.filter), order, fetch: page.fetch, after: page.after };
    const rows = await ctx.loaders.organizationVms.load({ parentId: orgId, query });
    return toConnection(rows, page, (vm) => (order === 'NAME_ASC' ? [vm.name, vm.id] : [vm.createdAt.toISOString(), vm.id]));
  },
  async resourceSummary(org, args, ctx) {
    const orgId = await visibleOrg(org.id, ctx);
    if (!orgId) return null;
    return ctx.loaders.organizationSummary.load({ parentId: orgId, query: args.scope ?? 'SELF' });
  },
};

const round2 = (n: number) => Math.round(n * 100) / 100;

export const ResourceSummary: ResourceSummaryResolvers = {
  memoryGib: (s) => round2(s.memoryMibTotal / 1024),
  diskTib: (s) => round2(s.diskGibTotal / 1024),
};

export const VirtualMachine: VirtualMachineResolvers = {
  async __resolveReference(ref, ctx) {
    if (!isUuid(ref.id)) return null;
    return visibleVm(ctx, await ctx.loaders.vm.load(ref.id.toLowerCase()));
  },
  organization: (vm) => ({ id: vm.organizationId }),
  product: (vm) => (vm.productId ? { id: vm.productId } : null),
  async events(vm, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const rows = await ctx.loaders.vmEvents.load({ parentId: vm.id, query: { fetch: page.fetch, after: page.after } });
    return toConnection(rows, page, (e) => e.id);
  },
};
