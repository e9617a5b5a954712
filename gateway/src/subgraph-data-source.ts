import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { injectTraceContext, platformMetrics, SpanKind, withSpan } from '@platform/kernel';
import { isGatewayContext, type GatewayContext } from './context.ts';
import { SubgraphTimeoutError, type Fetcher } from './subgraph-fetcher.ts';
import { answerRefusal, refusalOf } from './subgraph-refusal.ts';

/**
 * Sends the caller's verified token and the request id to every subgraph. Subgraphs verify the
 * token again (DESIGN §4), and the client's address as x-forwarded-for; nothing else from the client's headers is passed on.
 *
 * A subgraph that refuses an operation (4xx with GraphQL errors: bad input it could not coerce) ran
 * nothing; its errors reach the client as BAD_USER_INPUT at the client's path, and a refused query is
 * asked again without the refused fields (see subgraph-refusal.ts). Anything else that fails (5xx,
 * network, timeout) stays a thrown error, masked as an internal one.
 *
 * Each request is a CLIENT span carrying W3C `traceparent` to the subgraph, and is counted
 * (latency, errors by code) under the subgraph's name.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    fetcher: Fetcher,
  ) {
    super({ url, fetcher });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (headers) injectTraceContext((name, value) => headers.set(name, value));
    // Health checks and schema loads carry an empty context: no caller to forward.
    if (!headers || !isGatewayContext(options.context)) return;
    const { caller, requestId } = options.context;
    headers.set('x-request-id', requestId);
    // Replaces whatever the client sent: the gateway is the edge, so its socket's peer is the client.
    if (options.context.clientAddress) headers.set('x-forwarded-for', options.context.clientAddress);
    else headers.delete('x-forwarded-for');
    if (caller.kind === 'authenticated') headers.set('authorization', `Bearer ${caller.token}`);
    else headers.delete('authorization');
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const subgraph = this.subgraph;
    const started = performance.now();
    try {
      const response = await withSpan(`subgraph ${subgraph}`, { 'platform.subgraph': subgraph }, () => this.answer(options), SpanKind.CLIENT);
      for (const error of response.errors ?? []) platformMetrics.subgraphErrors.inc({ subgraph, code: codeOf(error) });
      return response;
    } catch (error) {
      platformMetrics.subgraphErrors.inc({ subgraph, code: codeOf(error) });
      throw error;
    } finally {
      platformMetrics.subgraphRequestDuration.observe({ subgraph }, (performance.now() - started) / 1000);
    }
  }

  private async answer(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    try {
      return await super.process(options);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || !('incomingRequestContext' in options) || !options.request.query) throw error;
      const schema = options.incomingRequestContext.schema;
      return answerRefusal({ query: options.request.query, variables: options.request.variables ?? {}, schema }, refusal, (query, variables) =>
        super.process({ ...options, request: { ...options.request, query, variables } }),
      );
    }
  }
}

/** An answer's error code; a transport failure is TIMEOUT or UNREACHABLE. */
function codeOf(error: unknown): string {
  if (error instanceof SubgraphTimeoutError) return 'TIMEOUT';
  if (error instanceof Error && error.name === 'SubgraphRequestError') return 'UNREACHABLE';
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
