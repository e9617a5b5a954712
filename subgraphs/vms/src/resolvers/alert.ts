import type { AlertResolvers } from '../__generated__/resolvers-types.ts';
import type { VmsContext } from '../context.ts';
import { alertSummary, alertTitle, type Alert as AlertModel } from '../domain/alerts/alert.ts';
import { metricToEnum } from '../domain/alerts/rules.ts';
import { referenceId } from './reference-id.ts';

/** The alert if the caller may see its organisation, else null. */
export async function visibleAlert(ctx: VmsContext, alert: AlertModel | null): Promise<AlertModel | null> {
  return alert && (await ctx.access.canSee(alert.organizationId)) ? alert : null;
}

export const Alert: AlertResolvers = {
  async __resolveReference(ref, ctx) {
    const id = referenceId(ref.id);
    return id ? visibleAlert(ctx, await ctx.loaders.alert.load(id)) : null;
  },
  async virtualMachine(alert, _args, ctx) {
    const vm = await ctx.loaders.vm.load(alert.vmId);
    if (!vm) throw new Error(`alert ${alert.id} refers to VM ${alert.vmId}, which does not exist`);
    return vm;
  },
  async rule(alert, _args, ctx) {
    return alert.ruleId ? ctx.loaders.alertRule.load(alert.ruleId) : null;
  },
  metric: (alert) => (alert.metric ? metricToEnum(alert.metric) : null),
  forDuration: (alert) => alert.forSeconds,
  title: (alert) => alertTitle(alert),
  summary: (alert) => alertSummary(alert),
};
