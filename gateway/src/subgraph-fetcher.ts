import http from 'node:http';
import https from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { readLimited, responseTooLarge } from './limits/response-limit.ts';
import { InFlightRequests, mergeKeyOf } from './request-merging.ts';

export type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface SubgraphFetcher {
  readonly fetch: Fetcher;
  /** Closes the pooled connections (on gateway stop). */
  close(): void;
  /** Requests answered by an identical one already in flight (see request-merging.ts). */
  readonly merged: number;
}

/** A subgraph's answer read in full: one per request on the wire, shared by the requests merged into it. */
interface BufferedAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Thrown when a subgraph does not answer within the timeout; masked for the client, logged with the cause. */
export class SubgraphTimeoutError extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`subgraph request to ${url} timed out after ${timeoutMs} ms`);
    this.name = 'SubgraphTimeoutError';
  }
}

/** A subgraph could not be reached or broke the connection; names the URL for the logs (never the client). */
export class SubgraphRequestError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`subgraph request to ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SubgraphRequestError';
  }
}

/**
 * The fetcher every subgraph data source shares: pooled keep-alive connections (one TCP/TLS setup
 * per socket, not per request) and a hard deadline per request covering connect, headers and body.
 * Never retries: a mutation must not run twice. With `mergeInFlight`, identical concurrent queries of
 * one caller share one request (request-merging.ts).
 */
export function createSubgraphFetcher(options: {
  timeoutMs: number;
  maxSocketsPerHost?: number;
  maxResponseBytes?: number;
  mergeInFlight?: boolean;
}): SubgraphFetcher {
  const maxResponseBytes = options.maxResponseBytes ?? Number.MAX_SAFE_INTEGER;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSocketsPerHost ?? 256, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const inFlight = new InFlightRequests<BufferedAnswer>();

  const send = async (url: string, init: Parameters<Fetcher>[1] & object): Promise<BufferedAnswer> => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported subgraph URL protocol ${target.protocol}`);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init.signal instanceof AbortSignal ? AbortSignal.any([timeout, init.signal]) : timeout;
    const client = target.protocol === 'https:' ? https : http;
    try {
      const req = client.request(target, {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        agent: target.protocol === 'https:' ? httpsAgent : httpAgent,
        signal,
      });
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        req.once('response', resolve);
        req.once('error', reject);
        req.end(init.body);
      });
      const declared = Number(res.headers['content-length']);
      try {
        if (declared > maxResponseBytes) throw responseTooLarge(maxResponseBytes); // said up front: nothing to read
        const body = await readLimited(res as AsyncIterable<Buffer>, maxResponseBytes);
        return { status: res.statusCode ?? 502, statusText: res.statusMessage ?? '', headers: res.headers, body };
      } catch (error) {
        res.destroy(); // stop reading: the socket is not reused
        throw error;
      }
    } catch (error) {
      if (error instanceof GraphQLError) throw error; // a refusal (response too large), not an outage
      if (timeout.aborted) throw new SubgraphTimeoutError(url, options.timeoutMs);
      throw new SubgraphRequestError(url, error);
    }
  };

  const fetch: Fetcher = async (url, init = {}) => {
    const key = options.mergeInFlight ? mergeKeyOf(url, init) : undefined;
    return toResponse(await (key === undefined ? send(url, init) : inFlight.run(key, () => send(url, init))));
  };

  return {
    fetch,
    get merged() {
      return inFlight.merged;
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** A fresh Response per caller: a body can be read only once, and merged callers each read theirs. */
function toResponse(answer: BufferedAnswer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const { status, statusText, body } = answer;
  return new Response(NULL_BODY_STATUS.has(status) ? null : body, { status, statusText, headers });
}
