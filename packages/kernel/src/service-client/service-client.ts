import type { ServiceTokenSource } from '../auth/service-token.ts';
import { isErrorCode, ServiceRefusal } from './service-refusal.ts';

export interface ServiceClientOptions {
  /** The other subgraph's GraphQL endpoint; a function when its port is known only after it starts. */
  readonly url: string | (() => string);
  readonly tokens: ServiceTokenSource;
  readonly timeoutMs?: number;
}

export interface ServiceClient {
  /**
   * Resolves to `data`. Throws a ServiceRefusal for an expected refusal (a code in ERROR_CODES);
   * anything else (HTTP failure, masked error, timeout, no data) is a plain Error: transient.
   */
  request<D>(query: string, variables?: Record<string, unknown>): Promise<D>;
}

interface GraphQLBody<D> {
  data?: D | null;
  errors?: { message?: unknown; extensions?: Record<string, unknown> }[];
}

/** GraphQL calls to another subgraph with a service token (DESIGN §4). */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const urlOf = typeof options.url === 'string' ? () => options.url as string : options.url;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async request<D>(query: string, variables: Record<string, unknown> = {}): Promise<D> {
      const url = urlOf();
      // The host only: an internal URL's path or query must not end up in a message a client could see.
      const where = new URL(url).host;
      let response: Response;
      let body: GraphQLBody<D>;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await options.tokens()}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = (await response.json().catch(() => ({}))) as GraphQLBody<D>;
      } catch (error) {
        throw new Error(`service call to ${where} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const first = body.errors?.[0];
      if (first) {
        const message = typeof first.message === 'string' ? first.message : 'unknown error';
        const code = first.extensions?.['code'];
        if (isErrorCode(code)) throw new ServiceRefusal(code, message, first.extensions ?? {});
        throw new Error(`service call to ${where} failed: ${message}`);
      }
      if (!response.ok || !body.data) throw new Error(`service call to ${where} failed with HTTP ${response.status}`);
      return body.data;
    },
  };
}
