import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { operationLabel } from './metrics-registry.ts';
import { platformMetrics } from './platform-metrics.ts';

/**
 * Counts every GraphQL operation a server answers: duration by operation name and type, and each
 * error by its code (INTERNAL_SERVER_ERROR for masked ones). The gateway and every subgraph use it.
 */
export function graphqlMetricsPlugin<C extends BaseContext>(service: string): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(rc) {
          const operation = operationLabel(rc.operationName ?? rc.request.operationName);
          const type = rc.operation?.operation ?? 'unknown';
          platformMetrics.operationDuration.observe({ service, operation, type }, (performance.now() - started) / 1000);
          for (const error of rc.errors ?? []) {
            // Not every error here is a GraphQLError with extensions (a subgraph's transport failure is not): counting must never throw.
            const code = (error as { extensions?: Record<string, unknown> }).extensions?.['code'];
            platformMetrics.operationErrors.inc({ service, operation, code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
          }
        },
      };
    },
  };
}
