import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { execute, GraphQLError, type DocumentNode, type FormattedExecutionResult, type GraphQLFieldResolver } from 'graphql';
import { maskError } from '@platform/kernel';
import type { GatewayContext } from '../context.ts';
import type { LoadedSupergraph } from './supergraph-internals.ts';

/** The name the primary fetch is re-routed to when a plan runs for one event: the event is its answer. */
const EVENT_SOURCE = '__subscription_event__';

export interface PlannedOperation {
  readonly plan: QueryPlan;
  readonly document: DocumentNode;
  readonly operationName: string | undefined;
  readonly operationContext: ReturnType<typeof buildOperationContext>;
}

/** The query planner's plan for a validated operation; subscriptions come back as SubscriptionNode { primary, rest }. */
export function planOperation(supergraph: LoadedSupergraph, document: DocumentNode, operationName: string | undefined): PlannedOperation {
  const operation = operationFromDocument(supergraph.apiSchema, document, { operationName });
  const plan = supergraph.queryPlanner.buildQueryPlan(operation);
  const operationContext = buildOperationContext({ schema: supergraph.schema, operationDocument: document, operationName });
  return { plan, document, operationName, operationContext };
}

export function subscriptionNodeOf(planned: PlannedOperation): SubscriptionNode | undefined {
  return planned.plan.node?.kind === 'Subscription' ? planned.plan.node : undefined;
}

/** Variables the primary fetch uses (the upstream subscription's own). */
export function primaryVariables(primary: FetchNode, variables: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of primary.variableUsages ?? []) if (name in variables) picked[name] = variables[name];
  return picked;
}

/**
 * One event through the rest of the plan: the primary fetch is answered by the event (what the owning
 * subgraph's subscription sent), then `rest` fetches other subgraphs' fields with the gateway's own
 * plan execution — every entity fetch for the event batched into one `_entities` call per subgraph.
 */
export function executeForEvent(
  supergraph: LoadedSupergraph,
  planned: PlannedOperation,
  node: SubscriptionNode,
  event: FormattedExecutionResult,
  context: GatewayContext,
  variables: Record<string, unknown>,
): Promise<FormattedExecutionResult> {
  if (!event.data) return Promise.resolve({ errors: event.errors ?? [{ message: 'The subgraph sent an event without data.' }] });
  if (!node.rest && !event.errors) return shapeOnly(supergraph, planned, event.data, context, variables);
  const primary: FetchNode = { ...node.primary, serviceName: EVENT_SOURCE };
  const root: PlanNode = node.rest ? { kind: 'Sequence', nodes: [primary, node.rest] } : primary;
  const eventSource: GraphQLDataSource = { process: async () => ({ data: event.data, ...(event.errors ? { errors: event.errors } : {}) }) };
  return run(
    supergraph,
    { ...planned, plan: { kind: 'QueryPlan', node: root } },
    { ...supergraph.dataSources, [EVENT_SOURCE]: eventSource },
    context,
    variables,
  );
}

/**
 * The fast path when the whole selection comes from the owning subgraph (no `rest`): the event only
 * needs shaping to the client's operation (aliases, __typename), which graphql-js does over the API
 * schema far cheaper than a full plan execution (that re-reads the operation on every call).
 */
async function shapeOnly(
  supergraph: LoadedSupergraph,
  planned: PlannedOperation,
  data: Record<string, unknown>,
  context: GatewayContext,
  variables: Record<string, unknown>,
): Promise<FormattedExecutionResult> {
  const result = await execute({
    schema: supergraph.schema,
    document: planned.document,
    operationName: planned.operationName,
    variableValues: variables,
    rootValue: data,
    fieldResolver: byResponseKey,
  });
  const errors = result.errors?.map((error) => maskError(error.toJSON(), error, context.logger, context.requestId));
  return { ...(result.data !== undefined ? { data: result.data } : {}), ...(errors && errors.length > 0 ? { errors } : {}) };
}

/** Subgraph answers are keyed by response name (the alias when there is one). */
const byResponseKey: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) =>
  typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[info.path.key as string] : undefined;

/** A query or mutation sent over the socket: the plan as HTTP would run it. */
export function executeOnce(supergraph: LoadedSupergraph, planned: PlannedOperation, context: GatewayContext, variables: Record<string, unknown>) {
  return run(supergraph, planned, supergraph.dataSources, context, variables);
}

async function run(
  supergraph: LoadedSupergraph,
  planned: PlannedOperation,
  serviceMap: ServiceMap,
  context: GatewayContext,
  variables: Record<string, unknown>,
): Promise<FormattedExecutionResult> {
  const requestContext = {
    request: { query: undefined, variables, operationName: planned.operationName },
    document: planned.document,
    operationName: planned.operationName ?? null,
    context,
    schema: supergraph.schema,
    logger: context.logger,
    metrics: {},
    cache: undefined,
    overallCachePolicy: undefined,
  } as unknown as Parameters<typeof executeQueryPlan>[2];
  const result = await executeQueryPlan(planned.plan, serviceMap, requestContext, planned.operationContext, supergraph.supergraphSchema, supergraph.apiSchema);
  const errors = result.errors?.map((error) => maskError(toFormatted(error), error, context.logger, context.requestId));
  return { ...(result.data !== undefined ? { data: result.data } : {}), ...(errors && errors.length > 0 ? { errors } : {}) };
}

function toFormatted(error: Error) {
  return error instanceof GraphQLError ? error.toJSON() : { message: error.message };
}
