import { fieldsUnder, parsePage, toConnection } from '@platform/kernel';
import type { VirtualMachineResolvers } from '../__generated__/resolvers-types.ts';
import type { VmsContext } from '../context.ts';
import { parseAlertFilter } from '../domain/alerts/alert-input.ts';
import { assessHealth } from '../domain/telemetry/health.ts';
import { planSeries, toChart } from '../domain/telemetry/series-plan.ts';
import type { Vm } from '../domain/vm.ts';
import { referenceId } from './reference-id.ts';

/** The VM if the caller may see its organisation, else null. */
export async function visibleVm(ctx: VmsContext, vm: Vm | null): Promise<Vm | null> {
  return vm && (await ctx.access.canSee(vm.organizationId)) ? vm : null;
}

export const VirtualMachine: VirtualMachineResolvers = {
  async __resolveReference(ref, ctx) {
    const id = referenceId(ref.id);
    return id ? visibleVm(ctx, await ctx.loaders.vm.load(id)) : null;
  },
  organization: (vm) => ({ id: vm.organizationId }),
  product: (vm) => (vm.productId ? { id: vm.productId } : null),
  async events(vm, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const rows = await ctx.loaders.vmEvents.load({ parentId: vm.id, query: { fetch: page.fetch, after: page.after } });
    return toConnection(rows, page, (e) => e.id);
  },
  async alerts(vm, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const filter = await fieldsUnder('filter', async () => parseAlertFilter(args.filter));
    const rows = await ctx.loaders.alertPages.load({ parentId: vm.id, query: { parent: 'VM', filter, fetch: page.fetch, after: page.after } });
    return toConnection(rows, page, (a) => a.id);
  },
  // The VM itself is visible (it was resolved through a visibility check): its telemetry is too.
  async metrics(vm, args, ctx) {
    const plan = planSeries({ from: args.from, to: args.to ?? null, resolution: args.resolution ?? 'AUTO' }, ctx.loaders.requestNow);
    return toChart(plan, await ctx.loaders.vmSeries.load({ parentId: vm.id, query: plan }));
  },
  latestSample: (vm, _args, ctx) => ctx.loaders.latestSample.load({ parentId: vm.id, query: null }),
  async health(vm, _args, ctx) {
    const [latest, recent, alerts] = await Promise.all([
      ctx.loaders.latestSample.load({ parentId: vm.id, query: null }),
      ctx.loaders.recentLoad.load({ parentId: vm.id, query: null }),
      ctx.loaders.openAlerts.load(vm.id),
    ]);
    return assessHealth({ status: vm.status, latest, recent, alerts, now: ctx.loaders.requestNow });
  },
};
