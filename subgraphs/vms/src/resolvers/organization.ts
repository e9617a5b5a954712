import { fieldsUnder, isInstantIdCursor, isTextIdCursor, parsePage, toConnection } from '@platform/kernel';
import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';
import type { VmsContext } from '../context.ts';
import { parseAlertFilter } from '../domain/alerts/alert-input.ts';
import { emptyValues, utilizationQuery } from '../domain/telemetry/series-plan.ts';
import { parseVmFilter } from '../domain/vm-input.ts';
import { referenceId } from './reference-id.ts';

/** The organisation's id if the caller may see it, else null. */
async function visibleOrg(id: string, ctx: VmsContext): Promise<string | null> {
  const orgId = referenceId(id);
  return orgId && (await ctx.access.canSee(orgId)) ? orgId : null;
}

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async virtualMachines(org, args, ctx) {
    const orgId = await visibleOrg(org.id, ctx);
    if (!orgId) return null;
    const order = args.orderBy ?? 'CREATED_AT_DESC';
    const byName = order === 'NAME_ASC';
    // Keyset cursors: [name, id] or [createdAt ISO, id], by order.
    const page = parsePage(args, { cursor: byName ? isTextIdCursor : isInstantIdCursor });
    const query = { scope: args.scope ?? 'SELF', filter: parseVmFilter(args.filter), order, fetch: page.fetch, after: page.after };
    const rows = await ctx.loaders.organizationVms.load({ parentId: orgId, query });
    return toConnection(rows, page, (vm) => (byName ? [vm.name, vm.id] : [vm.createdAt.toISOString(), vm.id]));
  },
  async resourceSummary(org, args, ctx) {
    const orgId = await visibleOrg(org.id, ctx);
    return orgId ? ctx.loaders.organizationSummary.load({ parentId: orgId, query: args.scope ?? 'SELF' }) : null;
  },
  async alerts(org, args, ctx) {
    const orgId = await visibleOrg(org.id, ctx);
    if (!orgId) return null;
    const page = parsePage(args, { cursor: 'id' });
    const filter = await fieldsUnder('filter', async () => parseAlertFilter(args.filter));
    const query = { parent: args.scope ?? 'SELF', filter, fetch: page.fetch, after: page.after } as const;
    const rows = await ctx.loaders.alertPages.load({ parentId: orgId, query });
    return toConnection(rows, page, (a) => a.id);
  },
  async alertRules(org, args, ctx) {
    const orgId = await visibleOrg(org.id, ctx);
    if (!orgId) return null;
    const page = parsePage(args, { cursor: 'id' });
    const rows = await ctx.loaders.organizationAlertRules.load({ parentId: orgId, query: { fetch: page.fetch, after: page.after } });
    return toConnection(rows, page, (r) => r.id);
  },
  async utilization(org, args, ctx) {
    const orgId = await visibleOrg(org.id, ctx);
    if (!orgId) return null;
    const window = args.window ?? 'LAST_DAY';
    const scope = args.scope ?? 'SELF';
    const { from, to } = utilizationQuery(window, scope, ctx.loaders.requestNow);
    const figures = await ctx.loaders.organizationUtilization.load({ parentId: orgId, query: { window, scope } });
    return { window, from, to, ...(figures ?? { vmsReporting: 0, avg: emptyValues(), max: emptyValues() }) };
  },
};
