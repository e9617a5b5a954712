import type http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ANONYMOUS,
  authenticateConnection,
  clientAddressOf,
  costRefusal,
  GATEWAY_OPERATION_LIMITS,
  limitParseOptions,
  limitValidationRules,
  LIVE_CLOSE,
  requestIdFrom,
  type AuthenticatedCaller,
  type Caller,
  type Logger,
  type OperationLimits,
  type TokenVerifier,
} from '@platform/kernel';
import type { GatewayContext } from '../context.ts';
import { executeOnce, planOperation, subscriptionNodeOf, type PlannedOperation } from './federated-execution.ts';
import { principalKey, PrincipalTokens, SharedSubscriptions } from './shared-subscriptions.ts';
import type { LoadedSupergraph } from './supergraph-internals.ts';
import { UpstreamConnections } from './upstream.ts';
import { validateGatewayOperation } from './validation.ts';

export interface GatewaySubscriptionOptions {
  readonly httpServer: http.Server;
  readonly path: string;
  readonly logger: Logger;
  readonly verifyToken: TokenVerifier;
  /** The supergraph being served, or undefined while none is loaded. */
  readonly supergraph: () => LoadedSupergraph | undefined;
  /** Per-client bound: events queued for a client that reads slower than they come (oldest dropped beyond it). */
  readonly bufferSize: number;
  readonly maxPayloadBytes: number;
  /**
   * The connection's caller from its connectionParams (as headers: `authorization`, `x-api-key`): the
   * gateway exchanges API keys here, exactly as for HTTP. Without it, bearer tokens only.
   */
  readonly callerOf?: (headers: Readonly<Record<string, string>>) => Promise<Caller>;
  /** Per-principal limits on connection attempts and subscription starts; without it, none. */
  readonly rateLimits?: { admit(caller: Caller, clientAddress: string): Promise<void> };
  readonly trustedProxies?: readonly string[];
  /** The gateway's operation limits (tokens, depth, aliases, directives, cost), as over HTTP. */
  readonly limits?: OperationLimits;
  /** `@authenticated`/`@requiresScopes` for this caller: the refusal, or null. */
  readonly authorize?: (schema: GraphQLSchema, document: DocumentNode, caller: AuthenticatedCaller) => GraphQLError | null;
}

export interface GatewaySubscriptions {
  /** Closes every client with `code` (SUPERGRAPH_RELOADED on a reload); the server keeps accepting. */
  closeClients(code: number, reason: string): void;
  /** Closes every client with 1001 and stops accepting; upstream connections are closed. */
  close(): Promise<void>;
  stats(): { clients: number; subscriptions: number; upstreamSubscriptions: number; upstreamConnections: number; droppedEvents: number };
}

type Extra = {
  socket: WebSocket;
  request: http.IncomingMessage;
  caller?: AuthenticatedCaller;
  requestId?: string;
  release?: () => void;
  expiry?: NodeJS.Timeout;
};
type SubscriptionContext = GatewayContext & { caller: AuthenticatedCaller; planned: PlannedOperation; supergraph: LoadedSupergraph; text: string };

const PLAN_CACHE_SIZE = 500;

/** Over the socket there is no HTTP status: the code (and limit, scopes…) in extensions say it all. */
function withoutHttp(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions });
}

/**
 * graphql-ws at the gateway's /graphql (same HTTP server). Connections authenticate from
 * `connectionParams.authorization` and end at the token's expiry; operations are validated like
 * HTTP ones, planned by the query planner and run federated (see federated-execution.ts).
 */
export function serveGatewaySubscriptions(options: GatewaySubscriptionOptions): GatewaySubscriptions {
  const { logger } = options;
  const upstream = new UpstreamConnections(logger);
  const tokens = new PrincipalTokens();
  const shared = new SharedSubscriptions(upstream, tokens, logger, options.bufferSize);
  const plans = new Map<string, PlannedOperation>();
  let plansFor: LoadedSupergraph | undefined;

  const addressOf = (req: http.IncomingMessage) => clientAddressOf(req, options.trustedProxies ?? []);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== options.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.httpServer.on('upgrade', onUpgrade);

  const plan = (supergraph: LoadedSupergraph, text: string, document: DocumentNode, operationName: string | undefined) => {
    if (plansFor !== supergraph) {
      plans.clear();
      plansFor = supergraph;
    }
    const key = `${operationName ?? ''}\n${text}`;
    let planned = plans.get(key);
    if (!planned) {
      planned = planOperation(supergraph, document, operationName);
      if (plans.size >= PLAN_CACHE_SIZE) plans.delete(plans.keys().next().value as string);
      plans.set(key, planned);
    }
    return planned;
  };

  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      // graphql-ws's 3 s is short for a loaded replica taking a reconnect storm; 4408 after 10 s.
      connectionInitWaitTimeout: 10_000,
      async onConnect(ctx) {
        const extra = ctx.extra as Extra;
        const auth = await authenticateConnection(ctx.connectionParams, options.verifyToken, options.callerOf);
        if (!auth.ok) {
          // Refused credentials count against the address, as over HTTP (guessing keys is throttled too).
          await options.rateLimits?.admit(ANONYMOUS, addressOf(extra.request)).catch(() => undefined);
          extra.socket.close(auth.close.code, auth.close.reason);
          return false;
        }
        extra.caller = auth.caller;
        extra.requestId = requestIdFrom(extra.request);
        extra.release = tokens.add(principalKey(auth.caller), auth.caller.token, auth.expiresAtMs);
        extra.expiry = setTimeout(
          () => extra.socket.close(LIVE_CLOSE.TOKEN_EXPIRED.code, LIVE_CLOSE.TOKEN_EXPIRED.reason),
          Math.max(0, auth.expiresAtMs - Date.now()),
        );
        extra.expiry.unref();
        return true;
      },
      onClose(ctx) {
        const extra = ctx.extra as Extra;
        clearTimeout(extra.expiry);
        extra.release?.();
      },
      async onSubscribe(ctx, _id, payload) {
        const extra = ctx.extra as Extra;
        const supergraph = options.supergraph();
        if (!supergraph || !extra.caller)
          return [new GraphQLError('The gateway has no supergraph loaded yet; retry shortly.', { extensions: { code: 'UNAVAILABLE' } })];
        // Every operation started over the socket counts like one HTTP request of the principal:
        // refused with RATE_LIMITED (extensions.retryAfter) for that operation; the connection stays.
        try {
          await options.rateLimits?.admit(extra.caller, addressOf(extra.request));
        } catch (error) {
          // Without the HTTP-only extension (status and Retry-After header): the code and retryAfter say it.
          if (error instanceof GraphQLError) {
            const { http: _http, ...extensions } = error.extensions;
            return [new GraphQLError(error.message, { extensions })];
          }
          logger.error('rate limit check failed', { error });
          return [new GraphQLError(`Internal error (request ${extra.requestId})`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, limitParseOptions(options.limits ?? GATEWAY_OPERATION_LIMITS));
        } catch (error) {
          return [new GraphQLError((error as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validateGatewayOperation(supergraph.schema, document, limitValidationRules(options.limits ?? GATEWAY_OPERATION_LIMITS));
        if (errors.length > 0) return errors.map(withoutHttp);
        const operationName = payload.operationName ?? undefined;
        const operation = getOperationAST(document, operationName);
        if (!operation) return [new GraphQLError('Name the operation to run (operationName).', { extensions: { code: 'BAD_USER_INPUT' } })];
        const coerced = getVariableValues(supergraph.schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 20 });
        if (coerced.errors) return coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
        const refusal =
          costRefusal(supergraph.schema, document, operationName, payload.variables ?? {}, options.limits ?? GATEWAY_OPERATION_LIMITS) ??
          options.authorize?.(supergraph.schema, document, extra.caller);
        if (refusal) return [withoutHttp(refusal)];
        const text = print(document);
        let planned: PlannedOperation;
        try {
          planned = plan(supergraph, text, document, operationName);
        } catch (error) {
          logger.error('planning a subscription failed', { error });
          return [new GraphQLError(`Internal error (request ${extra.requestId})`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
        const contextValue: SubscriptionContext = {
          requestId: extra.requestId ?? 'ws',
          caller: extra.caller,
          logger: logger.child({ requestId: extra.requestId }),
          clientAddress: addressOf(extra.request),
          planned,
          supergraph,
          text,
        };
        return { schema: supergraph.schema, document, operationName, variableValues: coerced.coerced, contextValue } satisfies ExecutionArgs;
      },
      // Results are formatted (and masked) already by federated-execution: send them as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      execute: (args: ExecutionArgs) => {
        const ctx = args.contextValue as SubscriptionContext;
        return executeOnce(ctx.supergraph, ctx.planned, ctx, args.variableValues ?? {}) as never;
      },
      subscribe: (args: ExecutionArgs) => {
        const ctx = args.contextValue as SubscriptionContext;
        const node = subscriptionNodeOf(ctx.planned);
        if (!node) return executeOnce(ctx.supergraph, ctx.planned, ctx, args.variableValues ?? {}) as never;
        return shared.join(ctx.supergraph, ctx.planned, node, { text: ctx.text, variables: args.variableValues ?? {} }, ctx) as never;
      },
    },
    wss,
  );

  const closeClients = (code: number, reason: string) => {
    for (const client of wss.clients) client.close(code, reason);
  };
  return {
    closeClients,
    async close() {
      options.httpServer.off('upgrade', onUpgrade);
      closeClients(LIVE_CLOSE.GOING_AWAY.code, LIVE_CLOSE.GOING_AWAY.reason);
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await upstream.close();
    },
    stats: () => ({
      clients: wss.clients.size,
      subscriptions: shared.clients,
      upstreamSubscriptions: upstream.subscriptions,
      upstreamConnections: upstream.connections,
      droppedEvents: shared.droppedTotal,
    }),
  };
}
