import { ERROR_CODES, type ErrorCode, type ServiceTokenSource } from '@platform/kernel';
import { RemoteRefusal } from '../domain/ports.ts';

interface GraphQLBody<D> {
  data?: D | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * A GraphQL call to another subgraph with a service token. An expected error (one of the closed set
 * of codes) becomes a RemoteRefusal; anything else (HTTP failure, masked error, timeout) is an Error:
 * a transient failure the saga retries later.
 */
export async function callService<D>(url: string, tokens: ServiceTokenSource, query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<D> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokens()}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as GraphQLBody<D>;
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.['code'];
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) {
      throw new RemoteRefusal(code as ErrorCode, first.message, first.extensions ?? {});
    }
    throw new Error(`service call to ${new URL(url).host} failed: ${first.message}`);
  }
  if (!response.ok || !body.data) throw new Error(`service call to ${new URL(url).host} failed with HTTP ${response.status}`);
  return body.data;
}
