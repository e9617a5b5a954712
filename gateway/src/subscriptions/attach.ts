import type http from 'node:http';
import type { ApolloGateway } from '@apollo/gateway';
import { LIVE_CLOSE, type Caller, type Logger, type OperationLimits, type TokenVerifier } from '@platform/kernel';
import type { GatewayConfig } from '../config.ts';
import { supergraphOf, type LoadedSupergraph } from './supergraph-internals.ts';
import { serveGatewaySubscriptions, type GatewaySubscriptionOptions } from './ws-server.ts';

/**
 * The gateway's one hook-in for subscriptions: graphql-ws on its HTTP server, told when a supergraph
 * is loaded. A later supergraph (a reload) closes every client with SUPERGRAPH_RELOADED so they
 * reconnect and subscribe against the new schema.
 */
export function attachSubscriptions(
  httpServer: http.Server,
  config: GatewayConfig,
  deps: {
    logger: Logger;
    verifyToken: TokenVerifier;
    /** API keys (x-api-key or a bearer key) and bearer tokens, as over HTTP. */
    callerOf?: (headers: Readonly<Record<string, string>>) => Promise<Caller>;
    rateLimits?: { admit(caller: Caller, clientAddress: string): Promise<void> };
    trustedProxies?: readonly string[];
    limits?: OperationLimits;
    authorize?: GatewaySubscriptionOptions['authorize'];
  },
) {
  let current: LoadedSupergraph | undefined;
  let unsubscribe: (() => void) | undefined;
  const server = serveGatewaySubscriptions({
    httpServer,
    path: '/graphql',
    logger: deps.logger,
    verifyToken: deps.verifyToken,
    supergraph: () => current,
    bufferSize: config.subscriptionBufferSize,
    maxPayloadBytes: config.bodyLimitBytes,
    callerOf: deps.callerOf,
    rateLimits: deps.rateLimits,
    trustedProxies: deps.trustedProxies,
    limits: deps.limits,
    authorize: deps.authorize,
  });
  return {
    ...server,
    supergraphLoaded(gateway: ApolloGateway | undefined) {
      if (!gateway) return;
      current = supergraphOf(gateway);
      unsubscribe?.();
      // Registered after the load, so it fires only for a later supergraph.
      unsubscribe = gateway.onSchemaLoadOrUpdate(() => {
        current = supergraphOf(gateway);
        deps.logger.info('supergraph reloaded: closing live subscriptions so clients resubscribe', { clients: server.stats().clients });
        server.closeClients(LIVE_CLOSE.SUPERGRAPH_RELOADED.code, LIVE_CLOSE.SUPERGRAPH_RELOADED.reason);
      });
    },
    async close() {
      unsubscribe?.();
      await server.close();
    },
  };
}
