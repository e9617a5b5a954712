import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { isGatewayContext, type GatewayContext } from './context.ts';
import type { Fetcher } from './subgraph-fetcher.ts';

/**
 * Sends the caller's verified token and the request id to every subgraph. Subgraphs verify the
 * token again (DESIGN §4); nothing else from the client's headers is passed on.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, fetcher: Fetcher) {
    super({ url, fetcher });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    // Health checks and schema loads carry an empty context: no caller to forward.
    if (!headers || !isGatewayContext(options.context)) return;
    const { caller, requestId } = options.context;
    headers.set('x-request-id', requestId);
    if (caller.kind === 'authenticated') headers.set('authorization', `Bearer ${caller.token}`);
    else headers.delete('authorization');
  }
}
