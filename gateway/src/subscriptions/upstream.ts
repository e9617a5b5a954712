import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Logger } from '@platform/kernel';

export interface UpstreamSink {
  next(result: FormattedExecutionResult): void;
  /** The upstream ended (completed, or failed for good); no more events. */
  end(error?: unknown): void;
}

/**
 * The gateway's graphql-ws connections to subgraphs: one per (subgraph, principal), each carrying
 * any number of subscriptions. A connection authenticates with the freshest token a live client of
 * that principal holds (`tokenOf` is read on every (re)connect), so a subgraph closing it on token
 * expiry is followed by a reconnect with a newer token and the subscriptions resumed. Connections
 * close when their last subscription ends.
 */
export class UpstreamConnections {
  private readonly clients = new Map<string, { client: Client; active: number }>();
  private subscriptionCount = 0;

  constructor(private readonly logger: Logger) {}

  subscribe(
    target: { url: string; principal: string; tokenOf: () => string | undefined },
    request: { query: string; variables: Record<string, unknown>; operationName?: string },
    sink: UpstreamSink,
  ): () => void {
    const key = `${target.url} ${target.principal}`;
    let entry = this.clients.get(key);
    if (!entry) {
      const client = createClient({
        url: wsUrl(target.url),
        webSocketImpl: WebSocket,
        lazy: true,
        lazyCloseTimeout: 1_000,
        connectionParams: () => {
          const token = target.tokenOf();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
        retryAttempts: 20,
        shouldRetry: () => true,
        on: { error: (error) => this.logger.warn('upstream subscription connection error', { url: target.url, error: describe(error) }) },
      });
      entry = { client, active: 0 };
      this.clients.set(key, entry);
    }
    const held = entry;
    held.active++;
    this.subscriptionCount++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.subscriptionCount--;
      if (--held.active === 0 && this.clients.get(key) === held) {
        this.clients.delete(key);
        void held.client.dispose(); // lazy: closes the socket once idle; nothing to await
      }
    };
    const unsubscribe = held.client.subscribe<ExecutionResult['data']>(request, {
      next: (result) => sink.next(result as FormattedExecutionResult),
      error: (error) => {
        finish();
        sink.end(error);
      },
      complete: () => {
        finish();
        sink.end();
      },
    });
    return () => {
      finish();
      unsubscribe();
    };
  }

  /** Upstream subscriptions open (each shared by every client of the same operation). */
  get subscriptions(): number {
    return this.subscriptionCount;
  }

  get connections(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((entry) => entry.client.dispose()));
  }
}

function wsUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error) return `closed ${(error as { code: number }).code}`;
  return String(error);
}
