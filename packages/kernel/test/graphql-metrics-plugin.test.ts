import type { GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { expect, test } from 'vitest';
import { graphqlMetricsPlugin, metricsRegistry } from '../src/index.ts';

const errorsCounted = async (code: string) =>
  (await metricsRegistry.getSingleMetric('graphql_operation_errors_total')!.get()).values.find(
    (v) => v.labels['service'] === 'plugin-test' && v.labels['code'] === code && v.labels['operation'] === 'PluginTest',
  )?.value ?? 0;

test('errors are counted by code, and an error without extensions (a subgraph transport failure) counts as INTERNAL_SERVER_ERROR without throwing', async () => {
  const listener = (await graphqlMetricsPlugin('plugin-test').requestDidStart!({} as never)) as GraphQLRequestListener<object>;
  const transportFailure = Object.assign(new Error('subgraph request timed out'), { extensions: undefined });
  const rc = {
    operationName: 'PluginTest',
    request: {},
    operation: { operation: 'query' },
    errors: [new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } }), transportFailure],
  } as unknown as GraphQLRequestContextWillSendResponse<object>;
  await expect(listener.willSendResponse!(rc)).resolves.toBeUndefined();
  expect(await errorsCounted('FORBIDDEN')).toBe(1);
  expect(await errorsCounted('INTERNAL_SERVER_ERROR')).toBe(1);
});
