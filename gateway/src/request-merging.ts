/**
 * Merges identical in-flight subgraph queries: while one is on the wire, an identical one waits for
 * its answer instead of sending its own. On the fleet page many callers ask the same entity fetches
 * at once; each merged request is one the subgraph never parses, plans or runs.
 *
 * Identical means the same subgraph URL, the same body (query, variables, operation name) and the
 * same credentials: the key holds the caller's Authorization header, so no caller ever receives an
 * answer computed for another. Only what is recognisably a query merges; a mutation (or any body
 * whose shape is not known) always goes out on its own, since running it once for two callers
 * would be wrong. Nothing is cached: the entry leaves the map when the answer arrives.
 */
export class InFlightRequests<T> {
  private readonly pending = new Map<string, Promise<T>>();
  /** Requests answered by another's call (for tests and benchmarks). */
  merged = 0;

  run(key: string, send: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) {
      this.merged++;
      return existing;
    }
    const sent = send().finally(() => this.pending.delete(key));
    this.pending.set(key, sent);
    return sent;
  }
}

// The gateway's data sources send `{"query":"…",…}` with the query first (RemoteGraphQLDataSource),
// and the query planner prints operations with their keyword; a `{` shorthand is a query too.
const QUERY_BODY = /^\{"query":"(query\b|\{)/;

/** The merge key of a subgraph request, or undefined when it must go out on its own. */
export function mergeKeyOf(url: string, init: { method?: string; body?: unknown; headers?: unknown; signal?: unknown }): string | undefined {
  if (init.method !== 'POST' || typeof init.body !== 'string' || !QUERY_BODY.test(init.body)) return undefined;
  if (init.signal) return undefined; // one caller's cancellation must not cancel another's request
  return `${url}\n${authorizationOf(init.headers) ?? ''}\n${init.body}`;
}

function authorizationOf(headers: unknown): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get('authorization') ?? undefined;
  if (Array.isArray(headers)) {
    const pair = (headers as [string, string][]).find(([name]) => name.toLowerCase() === 'authorization');
    return pair?.[1];
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (name.toLowerCase() === 'authorization') return Array.isArray(value) ? value.join(',') : String(value);
  }
  return undefined;
}
