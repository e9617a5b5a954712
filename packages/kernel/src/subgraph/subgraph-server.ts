import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { OrgDirectory } from '../auth/org-directory.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import { createRequestContext, type RequestContext } from '../context.ts';
import { maskError } from '../errors.ts';
import { costLimitPlugin, limitParseOptions, limitValidationRules, SUBGRAPH_OPERATION_LIMITS, type OperationLimits } from '../limits/operation-limits.ts';
import { guardEntityRepresentations, nulCharacterGuard } from './input-guards.ts';
import { graphqlRoutes } from '../http/graphql-route.ts';
import { closeServer, createHttpServer, listen, sendJson, type HttpRoute } from '../http/http-server.ts';
import type { Logger } from '../logger.ts';
import { serveSubscriptions, type SubscriptionServer } from '../live/subscription-server.ts';
import { graphqlMetricsPlugin } from '../observability/graphql-metrics-plugin.ts';
import { OPEN_METRICS, type MetricsAccess } from '../observability/metrics-access.ts';
import { metricsRoutes } from '../observability/metrics-route.ts';

export interface SubgraphServerOptions<Ctx extends RequestContext> {
  readonly name: string;
  readonly schema: GraphQLSchema;
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
  readonly verifyToken: TokenVerifier;
  readonly orgDirectory: OrgDirectory;
  /** Adds the subgraph's fresh per-request DataLoaders to the base context (the request too, for the rare subgraph that reads it). */
  readonly extendContext: (base: RequestContext, req: http.IncomingMessage) => Ctx;
  /** /ready answers 200 only when this resolves true (database reachable, …). */
  readonly ready: () => Promise<boolean>;
  readonly routes?: readonly HttpRoute[];
  readonly bodyLimitBytes?: number;
  /** The second wall behind the gateway's limits (default SUBGRAPH_OPERATION_LIMITS). */
  readonly operationLimits?: OperationLimits;
  /** Who may scrape /metrics; open when absent (configs read from env always set it). */
  readonly metrics?: MetricsAccess;
}

export interface RunningServer {
  readonly url: string; // the GraphQL endpoint
  readonly baseUrl: string;
  readonly port: number;
  readonly httpServer: http.Server;
  /** graphql-ws on the same path, when the schema has a Subscription type. */
  readonly subscriptions?: SubscriptionServer;
  stop(): Promise<void>;
}

/** Apollo Server 5 + buildSubgraphSchema on a plain HTTP server with /health and /ready. */
export async function startSubgraphServer<Ctx extends RequestContext>(options: SubgraphServerOptions<Ctx>): Promise<RunningServer> {
  const { logger } = options;
  // eslint-disable-next-line prefer-const -- assigned once Apollo exists; the drain hook passed to Apollo reads it
  let httpServer: http.Server | undefined;
  const limits = options.operationLimits ?? SUBGRAPH_OPERATION_LIMITS;
  const apollo = new ApolloServer<Ctx>({
    schema: guardEntityRepresentations(options.schema),
    csrfPrevention: true,
    introspection: true, // subgraphs sit behind the gateway; composition tools read their SDL
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true, // no "Did you mean …?": the gateway is the documented surface
    validationRules: limitValidationRules(limits),
    parseOptions: limitParseOptions(limits),
    stopOnTerminationSignals: false, // the process entry (stopOnSignals) owns the signals and stops everything in order
    formatError: (formatted, error) => maskError(formatted, error, logger, requestIdOf(formatted)),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(), // no usage reporting: traces would only cost time
      ApolloServerPluginCacheControlDisabled(), // responses carry per-user data and are never HTTP-cached
      {
        async serverWillStart() {
          return {
            async drainServer() {
              if (httpServer) await closeServer(httpServer);
            },
          };
        },
      },
      requestIdPlugin(),
      nulCharacterGuard(),
      costLimitPlugin(limits),
      graphqlMetricsPlugin<Ctx>(options.name),
    ],
  });
  await apollo.start();
  const deps = { verifyToken: options.verifyToken, orgDirectory: options.orgDirectory, logger };
  httpServer = createHttpServer({
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 1_000_000,
    routes: [
      ...graphqlRoutes('/graphql', apollo, async (req) => options.extendContext(await createRequestContext(req, deps), req)),
      { method: 'GET', path: '/health', handler: (_req, res) => sendJson(res, 200, { status: 'ok', service: options.name }) },
      {
        method: 'GET',
        path: '/ready',
        handler: async (_req, res) => {
          const ok = await options.ready().catch(() => false);
          sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', service: options.name });
        },
      },
      ...metricsRoutes(options.metrics ?? OPEN_METRICS),
      ...(options.routes ?? []),
    ],
  });
  // A schema with a Subscription type is served over graphql-ws on the same server and path.
  const subscriptions = options.schema.getSubscriptionType()
    ? serveSubscriptions<Ctx>({ httpServer, path: '/graphql', schema: options.schema, ...deps, extendContext: options.extendContext })
    : undefined;
  const port = await listen(httpServer, options.port, options.host);
  const baseUrl = `http://${options.host}:${port}`;
  logger.info('subgraph listening', { service: options.name, url: `${baseUrl}/graphql` });
  const server = httpServer;
  return {
    url: `${baseUrl}/graphql`,
    baseUrl,
    port,
    httpServer: server,
    subscriptions,
    async stop() {
      await subscriptions?.close(); // 1001 to every live client first, so they reconnect elsewhere
      await apollo.stop(); // drains the HTTP server (ApolloServer calls drainServer)
      await closeServer(server);
    },
  };
}

// The request id lives on the context; formatError only sees the error, so the plugin copies it in.
function requestIdPlugin() {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors(rc: { contextValue: unknown; errors: readonly { extensions: Record<string, unknown> }[] }) {
          const requestId = (rc.contextValue as Partial<RequestContext>).requestId;
          for (const error of rc.errors) if (requestId) error.extensions['__requestId'] = requestId;
        },
      };
    },
  };
}

function requestIdOf(formatted: { extensions?: Record<string, unknown> }): string | undefined {
  const id = formatted.extensions?.['__requestId'];
  if (formatted.extensions) delete formatted.extensions['__requestId'];
  return typeof id === 'string' ? id : undefined;
}
