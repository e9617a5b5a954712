import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  closeServer,
  createHttpServer,
  createTokenVerifier,
  graphqlMetricsPlugin,
  graphqlRoutes,
  listen,
  metricsRoutes,
  platformMetrics,
  sendJson,
  type HttpRoute,
  type Logger,
  type RouteHandler,
  type RunningServer,
  type TokenVerifier,
} from '@platform/kernel';
import { subgraphKey, type GatewayConfig } from './config.ts';
import { ApiKeyExchange } from './api-keys/key-exchange.ts';
import { createGatewayContext, type GatewayContext, type GatewayContextDeps } from './context.ts';
import { callerFromRequest } from './api-keys/caller-from-request.ts';
import { RateLimitGate } from './rate-limit/rate-limit-gate.ts';
import { gatewayErrorMasking } from './errors.ts';
import { createExplorer, wantsExplorer } from './explorer/explorer-routes.ts';
import { introspectionGuard } from './introspection-guard.ts';
import { operationLimitOptions } from './limits/operation-limits.ts';
import { postureOptions } from './posture/production-posture.ts';
import { SchemaAuth, securityLinksEnforcedHere } from './posture/schema-auth.ts';
import { invoiceProxyRoute } from './invoice-proxy.ts';
import { SubgraphDataSource } from './subgraph-data-source.ts';
import { createSubgraphFetcher } from './subgraph-fetcher.ts';
import { readIfExists, watchedSupergraphFile } from './supergraph-file.ts';
import { attachSubscriptions } from './subscriptions/attach.ts';

export { gatewayReadableSupergraph } from './posture/schema-auth.ts';
export { readGatewayConfig, subgraphKey, DEFAULT_SUPERGRAPH_PATH, type GatewayConfig } from './config.ts';
export type { GatewayContext } from './context.ts';
export { validateGatewayOperation, gatewayValidationRules } from './subscriptions/validation.ts';
export type { GatewaySubscriptions } from './subscriptions/ws-server.ts';

export interface GatewayDeps {
  readonly logger: Logger;
  /** Defaults to a verifier on `config.jwksUrl` (remote JWKS, cached, refetched on an unknown kid). */
  readonly verifyToken?: TokenVerifier;
  /** Subgraph name → URL; wins over SUBGRAPH_URL_<NAME> and the supergraph's routing_url. */
  readonly serviceUrls?: Readonly<Record<string, string>>;
  /** Identity's API-key exchange URL when known only after start-up; defaults to config.apiKeys.exchangeUrl. */
  readonly apiKeyExchangeUrl?: () => string;
  /** More pages on the gateway's origin (the dashboard): same origin as /graphql, so no CORS. */
  readonly routes?: readonly HttpRoute[];
}

export interface Gateway {
  /** Listens, then loads the supergraph. A missing file is waited for (503 meanwhile); a broken one rejects. */
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
  /** True once a supergraph is loaded and being served. */
  readonly loaded: boolean;
  /** Subgraph queries answered by an identical one in flight (MERGE_SUBGRAPH_REQUESTS). */
  readonly mergedSubgraphRequests: number;
  /** graphql-ws at /graphql (set once started): counts for tests and benchmarks. */
  readonly subscriptions: ReturnType<typeof attachSubscriptions> | undefined;
}

const MISSING_FILE_POLL_MS = 200;

/**
 * The gateway composition root: Apollo Gateway inside Apollo Server 5, on the kernel's plain HTTP
 * server (so graphql-ws can later take the same server's 'upgrade' event on /graphql).
 */
export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const logger = deps.logger.child({ service: 'gateway' });
  const verifyToken = deps.verifyToken ?? createTokenVerifier({ keys: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience });
  const fetcher = createSubgraphFetcher({
    timeoutMs: config.subgraphTimeoutMs,
    maxResponseBytes: config.subgraphResponseLimitBytes,
    mergeInFlight: config.mergeSubgraphRequests,
  });
  const contextDeps: GatewayContextDeps = {
    verifyToken,
    logger,
    apiKeys: new ApiKeyExchange(deps.apiKeyExchangeUrl ?? (() => config.apiKeys.exchangeUrl), config.apiKeys.cacheSeconds, logger),
    rateLimits: new RateLimitGate(config.rateLimits, logger),
    trustedProxies: config.rateLimits.trustedProxies,
  };
  const urlOverrides: Record<string, string> = { ...config.subgraphUrls };
  for (const [name, url] of Object.entries(deps.serviceUrls ?? {})) urlOverrides[subgraphKey(name)] = url;

  let phase: 'idle' | 'loading' | 'loaded' | 'stopping' | 'stopped' = 'idle';
  let apollo: ApolloServer<GatewayContext> | undefined;
  let graphqlHandlers = new Map<string, RouteHandler>();
  let httpServer: http.Server | undefined;
  let loading: Promise<void> | undefined;
  const stopWaiting = new AbortController();
  let apolloGateway: ApolloGateway | undefined;
  let subscriptions: ReturnType<typeof attachSubscriptions> | undefined;
  const explorer = config.explorer ? createExplorer({ logger }) : undefined;
  // One set of scope rules for HTTP and graphql-ws, refreshed with each supergraph Apollo loads.
  const schemaAuth = new SchemaAuth();

  // Where each subgraph of the loaded supergraph is reached (the invoice proxy asks for billing's).
  const subgraphTargets = new Map<string, string | undefined>();

  const buildApollo = () => {
    const masking = gatewayErrorMasking(logger);
    const limits = operationLimitOptions(config.operationLimits);
    const posture = postureOptions(config.production);
    const gateway = new ApolloGateway({
      supergraphSdl: securityLinksEnforcedHere(watchedSupergraphFile(config.supergraphPath, logger)),
      buildService: ({ name, url }) => {
        const target = urlOverrides[subgraphKey(name)] ?? url;
        subgraphTargets.set(subgraphKey(name), target);
        if (!target) logger.error('subgraph has no URL: set its routing_url or SUBGRAPH_URL_<NAME>', { subgraph: name });
        return new SubgraphDataSource(name, target ?? '', fetcher.fetch);
      },
      logger: apolloLogger(logger),
    });
    apolloGateway = gateway;
    return new ApolloServer<GatewayContext>({
      gateway,
      csrfPrevention: posture.csrfPrevention,
      allowBatchedHttpRequests: posture.allowBatchedHttpRequests,
      hideSchemaDetailsFromClientErrors: posture.hideSchemaDetailsFromClientErrors,
      introspection: true, // anonymous callers in production are refused by introspectionGuard
      includeStacktraceInErrorResponses: posture.includeStacktraceInErrorResponses,
      stopOnTerminationSignals: false, // main.ts owns the signals
      logger: apolloLogger(logger),
      formatError: masking.formatError,
      parseOptions: limits.parseOptions,
      validationRules: limits.validationRules,
      plugins: [
        ...limits.plugins,
        ...posture.plugins,
        introspectionGuard(config.production),
        schemaAuth.plugin(),
        masking.plugin,
        graphqlMetricsPlugin<GatewayContext>('gateway'),
      ],
    });
  };

  const load = async () => {
    const server = buildApollo();
    await server.start();
    if (phase !== 'loading') {
      await server.stop(); // stopped while loading
      return;
    }
    apollo = server;
    graphqlHandlers = new Map(graphqlRoutes('/graphql', server, (req) => createGatewayContext(req, contextDeps)).map((r) => [r.method, r.handler]));
    phase = 'loaded';
    subscriptions?.supergraphLoaded(apolloGateway);
    logger.info('supergraph loaded', { path: config.supergraphPath });
  };

  // Boot without a supergraph: serve 503 and load the file once it appears. A broken file is logged
  // and the next version of it tried (each attempt gets a fresh Apollo Server: a failed start is final).
  const waitForFileThenLoad = async () => {
    let rejected: string | undefined;
    while (!stopWaiting.signal.aborted) {
      const text = await readIfExists(config.supergraphPath).catch((error: unknown) => {
        logger.error('supergraph file unreadable; still waiting', { path: config.supergraphPath, error });
        return undefined;
      });
      if (text !== undefined && text.trim() !== '' && text !== rejected) {
        try {
          await load();
          return;
        } catch (error) {
          rejected = text;
          logger.error('supergraph file rejected; waiting for a fixed one', { path: config.supergraphPath, error });
        }
      }
      await sleep(MISSING_FILE_POLL_MS, undefined, { signal: stopWaiting.signal }).catch(() => undefined);
    }
  };

  const graphqlHandler: RouteHandler = async (req, res, body) => {
    if (explorer && wantsExplorer(req)) {
      await explorer.servePage(req, res);
      return;
    }
    const handler = phase === 'loaded' ? graphqlHandlers.get(req.method === 'POST' ? 'POST' : 'GET') : undefined;
    if (!handler) {
      const message = phase === 'loading' ? 'The gateway has no supergraph loaded yet; retry shortly.' : 'The gateway is shutting down; retry.';
      sendJson(res, 503, { errors: [{ message }] }, { 'retry-after': '1' });
      return;
    }
    await handler(req, res, body);
  };

  let unwatchSubscriptions: (() => void) | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= shutDown());
  const shutDown = async () => {
    phase = 'stopping'; // /ready → 503 and new operations are refused while in-flight ones finish
    stopWaiting.abort();
    unwatchSubscriptions?.();
    await subscriptions?.close(); // 1001 to live clients before the HTTP server drains
    if (httpServer) await closeServer(httpServer);
    await loading?.catch(() => undefined);
    await apollo?.stop(); // stops the gateway too, which closes the file watcher
    fetcher.close();
    await contextDeps.rateLimits?.close();
    phase = 'stopped';
  };

  return {
    get loaded() {
      return phase === 'loaded';
    },
    get mergedSubgraphRequests() {
      return fetcher.merged;
    },
    get subscriptions() {
      return subscriptions;
    },
    async start() {
      if (phase !== 'idle') throw new Error(`gateway cannot start: it is ${phase}`);
      phase = 'loading';
      const server = createHttpServer({
        logger,
        bodyLimitBytes: config.bodyLimitBytes,
        routes: [
          { method: 'GET', path: '/graphql', handler: graphqlHandler },
          { method: 'POST', path: '/graphql', handler: graphqlHandler },
          ...(explorer?.routes ?? []),
          ...metricsRoutes(config.metrics),
          invoiceProxyRoute(() => subgraphTargets.get(subgraphKey('billing')), contextDeps.apiKeys, config.subgraphTimeoutMs),
          ...(deps.routes ?? []),
          {
            method: 'GET',
            path: '/health',
            handler: (_req, res) => {
              const ok = phase === 'loaded';
              sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'no supergraph loaded', service: 'gateway' });
            },
          },
          {
            method: 'GET',
            path: '/ready',
            handler: (_req, res) => {
              const ok = phase === 'loaded';
              sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', service: 'gateway' });
            },
          },
        ],
      });
      httpServer = server;
      subscriptions = attachSubscriptions(server, config, {
        logger,
        verifyToken,
        callerOf: (headers) => callerFromRequest(headers, verifyToken, contextDeps.apiKeys),
        rateLimits: contextDeps.rateLimits,
        trustedProxies: contextDeps.trustedProxies,
        // The same operation limits and scope rules as HTTP.
        limits: config.operationLimits,
        authorize: (schema, document, caller) => schemaAuth.refusal(schema, document, caller),
      });
      const live = subscriptions;
      unwatchSubscriptions = platformMetrics.openSubscriptions.watch(() => [{ labels: {}, value: live.stats().subscriptions }]);
      const port = await listen(server, config.port, config.host);
      if (config.nodeEnv !== 'test') explorer?.warm(); // tests build it only when they open it
      const baseUrl = `http://${config.host}:${port}`;
      if ((await readIfExists(config.supergraphPath)) === undefined) {
        logger.warn('supergraph file not found; answering 503 until it appears', { path: config.supergraphPath });
        loading = waitForFileThenLoad();
      } else {
        loading = load();
        try {
          await loading;
        } catch (error) {
          await stop();
          throw error;
        }
      }
      logger.info('gateway listening', { url: `${baseUrl}/graphql`, supergraph: config.supergraphPath });
      return { url: `${baseUrl}/graphql`, baseUrl, port, httpServer: server, stop };
    },
    stop,
  };
}

/** Apollo's logger interface on top of ours (one-line JSON on stderr). */
function apolloLogger(logger: Logger) {
  const text = (message: unknown) => (typeof message === 'string' ? message : String(message));
  return {
    debug: (message?: unknown) => logger.debug(text(message)),
    info: (message?: unknown) => logger.info(text(message)),
    warn: (message?: unknown) => logger.warn(text(message)),
    error: (message?: unknown) => logger.error(text(message)),
  };
}
