import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitPlugin, limitParseOptions, limitValidationRules, type OperationLimits } from '@platform/kernel';
import type { GatewayContext } from '../context.ts';

/**
 * What Apollo Server needs to hold every operation to the gateway's limits, checked before anything is
 * planned: tokens while parsing (graphql-js stops at the limit), depth/aliases/directives as validation
 * rules (graphql-armor), cost once the variables are known. Refusals are 400s naming the limit.
 */
export function operationLimitOptions(limits: OperationLimits) {
  return {
    parseOptions: limitParseOptions(limits),
    validationRules: limitValidationRules(limits),
    plugins: [costLimitPlugin(limits) as ApolloServerPlugin<GatewayContext>],
  };
}
