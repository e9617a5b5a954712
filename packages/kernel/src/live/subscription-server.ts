import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { createSourceEventStream, execute, GraphQLError, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { Access } from '../auth/access.ts';
import type { OrgDirectory } from '../auth/org-directory.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import { requestIdFrom, type RequestContext } from '../context.ts';
import { maskError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { mapAsyncIterable } from './async-iterables.ts';
import { authenticateConnection, LIVE_CLOSE } from './close-codes.ts';

export interface SubscriptionServerOptions<Ctx extends RequestContext> {
  readonly httpServer: http.Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly verifyToken: TokenVerifier;
  readonly orgDirectory: OrgDirectory;
  readonly extendContext: (base: RequestContext, req: http.IncomingMessage) => Ctx;
}

export interface SubscriptionServer {
  /** Open connections (tests and benchmarks read it). */
  readonly connections: number;
  /** Closes every connection with `code` (1001 on shutdown) and stops accepting. */
  close(code?: number, reason?: string): Promise<void>;
}

type ConnectionExtra = { socket: WebSocket; request: http.IncomingMessage; context?: () => RequestContext; expiry?: NodeJS.Timeout };

/**
 * graphql-ws on a subgraph's own HTTP server, at the GraphQL path (DESIGN §5 Subscriptions). The
 * connection authenticates once, from `connectionParams.authorization` (close codes in LIVE_CLOSE);
 * it closes with TOKEN_EXPIRED when the token does. The subscribe resolver runs with one context;
 * each event is then executed with a FRESH context (fresh DataLoaders and access cache), so entity
 * fields are read as they are now, batched per event, and visibility checks see current state.
 */
export function serveSubscriptions<Ctx extends RequestContext>(options: SubscriptionServerOptions<Ctx>): SubscriptionServer {
  const { logger } = options;
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== options.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.httpServer.on('upgrade', onUpgrade);

  const contextFor = (extra: ConnectionExtra) => {
    const factory = extra.context;
    if (!factory) throw new Error('subscription before the connection was authenticated');
    return factory();
  };

  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema: options.schema,
      async onConnect(ctx) {
        const auth = await authenticateConnection(ctx.connectionParams, options.verifyToken);
        const extra = ctx.extra as ConnectionExtra;
        if (!auth.ok) {
          extra.socket.close(auth.close.code, auth.close.reason);
          return false;
        }
        const requestId = requestIdFrom(extra.request);
        extra.context = () =>
          options.extendContext(
            { requestId, caller: auth.caller, access: new Access(auth.caller, options.orgDirectory), logger: logger.child({ requestId }) },
            extra.request,
          );
        const left = auth.expiresAtMs - Date.now();
        extra.expiry = setTimeout(() => extra.socket.close(LIVE_CLOSE.TOKEN_EXPIRED.code, LIVE_CLOSE.TOKEN_EXPIRED.reason), Math.max(0, left));
        extra.expiry.unref();
        return true;
      },
      onClose(ctx) {
        clearTimeout((ctx.extra as ConnectionExtra).expiry);
      },
      context: (ctx) => withFreshContext(() => contextFor(ctx.extra as ConnectionExtra)),
      subscribe: async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in source)) return source;
        const fresh = (args.contextValue as { [FRESH_CONTEXT]?: () => unknown })[FRESH_CONTEXT];
        return mapAsyncIterable(source, (event) => execute({ ...args, rootValue: event, contextValue: fresh ? fresh() : args.contextValue }));
      },
      onNext: (ctx, _id, _payload, args, result) => {
        if (!result.errors) return;
        const requestId = (args.contextValue as Partial<RequestContext>).requestId;
        return { ...result, errors: result.errors.map((error) => maskError(formatted(error), error, logger, requestId)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => maskError(formatted(error), error, logger, undefined)),
    },
    wss,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async close(code: number = LIVE_CLOSE.GOING_AWAY.code, reason: string = LIVE_CLOSE.GOING_AWAY.reason) {
      options.httpServer.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(code, reason);
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The context graphql-ws builds once per subscribe carries how to build a fresh one per event. */
export const FRESH_CONTEXT = Symbol('fresh subscription context');

/** Adds the per-event context factory (used by serveSubscriptions' own `context`). */
export function withFreshContext<C extends object>(make: () => C): C {
  const first = make();
  Object.defineProperty(first, FRESH_CONTEXT, { value: make, enumerable: false });
  return first;
}

function formatted(error: GraphQLError | Error): GraphQLFormattedError {
  return error instanceof GraphQLError ? error.toJSON() : { message: error.message };
}
