import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

export const wsUrlOf = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** A stock graphql-ws client (tests and benchmarks), authenticated like a browser would be; records how it closed. */
export function wsClient(httpUrl: string, token: string | (() => string) | undefined, options: { retryAttempts?: number } = {}) {
  const closes: Closed[] = [];
  const client: Client = createClient({
    url: wsUrlOf(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: () => {
      const t = typeof token === 'function' ? token() : token;
      return t ? { authorization: `Bearer ${t}` } : {};
    },
    retryAttempts: options.retryAttempts ?? 0,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 50)),
    shouldRetry: () => true,
    on: { closed: (event) => closes.push({ code: (event as { code: number }).code, reason: (event as { reason: string }).reason }) },
  });
  return { client, closes };
}

/** Subscribes and collects what arrives; `next(ms)` waits for the next message. */
export function collect<T = Record<string, unknown>>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: ExecutionResult<T>[] = [];
  const waiters: (() => void)[] = [];
  let ended: { error?: unknown } | undefined;
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (r) => {
        results.push(r as ExecutionResult<T>);
        waiters.splice(0).forEach((w) => w());
      },
      error: (error) => {
        ended = { error };
        waiters.splice(0).forEach((w) => w());
      },
      complete: () => {
        ended ??= {};
        waiters.splice(0).forEach((w) => w());
      },
    },
  );
  return {
    results,
    stop,
    get ended() {
      return ended;
    },
    /** Resolves when `results` has `count` items or the subscription ended; rejects after `ms`. */
    async waitFor(count: number, ms = 5_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (results.length < count && !ended) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${count} events (have ${results.length})`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}
