import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';

/**
 * What federated subscriptions need from the loaded ApolloGateway: the API schema (for validation),
 * the supergraph and planner (to plan), and the subgraphs' data sources (to run the rest of a plan
 * per event). @apollo/gateway keeps these private; the version is pinned (package.json) and
 * `supergraphOf` checks every field, so an upgrade that moves them fails loudly here, not later.
 */
export interface LoadedSupergraph {
  readonly schema: GraphQLSchema;
  readonly apiSchema: Schema;
  readonly supergraphSchema: GraphQLSchema;
  readonly queryPlanner: QueryPlanner;
  readonly dataSources: Readonly<Record<string, GraphQLDataSource>>;
  /** The subgraph's GraphQL URL (the data source's, so SUBGRAPH_URL_<NAME> overrides apply). */
  readonly urlOf: (serviceName: string) => string | undefined;
}

interface Internals {
  schema?: GraphQLSchema;
  apiSchema?: Schema;
  supergraphSchema?: GraphQLSchema;
  queryPlanner?: QueryPlanner;
  serviceMap?: Record<string, { url?: string; dataSource: GraphQLDataSource & { url?: string } }>;
}

export function supergraphOf(gateway: ApolloGateway): LoadedSupergraph {
  const g = gateway as unknown as Internals;
  const { schema, apiSchema, supergraphSchema, queryPlanner, serviceMap } = g;
  if (!schema || !apiSchema || !supergraphSchema || !queryPlanner || !serviceMap) {
    throw new Error('@apollo/gateway internals not found: federated subscriptions need the pinned @apollo/gateway version');
  }
  const dataSources: Record<string, GraphQLDataSource> = Object.create(null);
  for (const [name, entry] of Object.entries(serviceMap)) dataSources[name] = entry.dataSource;
  return {
    schema,
    apiSchema,
    supergraphSchema,
    queryPlanner,
    dataSources,
    urlOf: (name) => serviceMap[name]?.dataSource.url ?? serviceMap[name]?.url,
  };
}
