import type { AlertRuleResolvers } from '../__generated__/resolvers-types.ts';
import { metricToEnum } from '../domain/alerts/rules.ts';

export const AlertRule: AlertRuleResolvers = {
  organization: (rule) => ({ id: rule.organizationId }),
  async virtualMachine(rule, _args, ctx) {
    return rule.vmId ? ctx.loaders.vm.load(rule.vmId) : null;
  },
  metric: (rule) => metricToEnum(rule.metric),
  forDuration: (rule) => rule.forSeconds,
};
