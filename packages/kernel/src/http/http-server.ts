import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import { serveInSpan } from '../observability/spans.ts';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => Promise<void> | void;

export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handler: RouteHandler;
  /** The handler reads the request itself (a streaming upload): no body limit, `body` is undefined. */
  readonly streamBody?: boolean;
}

export interface HttpServerOptions {
  readonly routes: readonly HttpRoute[];
  /** Requests with a larger body get 413 before anything is parsed. */
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A plain Node HTTP server with a route table. GraphQL is one route among /health and /ready, and
 * the same server can later take WebSocket upgrades on /graphql.
 */
export function createHttpServer(options: HttpServerOptions): http.Server {
  const table = new Map(options.routes.map((r) => [`${r.method} ${r.path}`, r]));
  const paths = new Set(options.routes.map((r) => r.path));
  return http.createServer((req, res) => {
    const path = pathOf(req.url ?? '/');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const route = table.get(`${method} ${path}`);
    if (!route) {
      sendJson(res, paths.has(path) ? 405 : 404, { error: paths.has(path) ? 'method not allowed' : 'not found' });
      return;
    }
    // A traced caller's `traceparent` makes this request a child span of its own.
    serveInSpan(req, res, path, () => {
      void (async () => {
        try {
          const body = method === 'POST' && !route.streamBody ? await readBody(req, options.bodyLimitBytes) : undefined;
          await route.handler(req, res, body);
        } catch (error) {
          if (error instanceof HttpError) {
            sendJson(res, error.status, { errors: [{ message: error.message }] });
            return;
          }
          options.logger.error('unhandled HTTP error', { path, error });
          if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal error' }] });
          else res.end();
        }
      })();
    });
  });
}

// A plain path (what clients and the gateway send) is taken as is; anything URL parsing could change
// (dot segments, escapes, a fragment, a doubled slash) goes through URL.
const PLAIN_PATH = /^\/[A-Za-z0-9_\-/]*(?:\?[^#]*)?$/;

/** The request's path without its query string, as `new URL(url).pathname` gives it. */
export function pathOf(url: string): string {
  if (!PLAIN_PATH.test(url) || url.includes('//')) return new URL(url, 'http://localhost').pathname;
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** The request's query string with its `?`, as `new URL(url).search` gives it ('' when none). */
export function searchOf(url: string): string {
  if (!PLAIN_PATH.test(url) || url.includes('//')) return new URL(url, 'http://localhost').search;
  const query = url.indexOf('?');
  return query < 0 || query === url.length - 1 ? '' : url.slice(query);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, `Request body larger than ${limit} bytes.`));
  }
  // Events rather than `for await`: an async iterator per request costs more than the body it reads.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(new HttpError(413, `Request body larger than ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (size > limit) return;
      try {
        resolve(parseBody(req, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseBody(req: http.IncomingMessage, text: string): unknown {
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('json')) return text;
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Idle keep-alive sockets live longer on the server than in any client's pool (undici's fetch drops
 * its idle sockets after 4 s; Node's server default is 5 s). Otherwise a client reuses a socket the
 * server is closing at that moment, and the request fails with ECONNRESET / "socket hang up".
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;

/** Listens and resolves to the bound port (port 0 picks a free one). */
export async function listen(server: http.Server, port: number, host: string): Promise<number> {
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  server.headersTimeout = SERVER_KEEP_ALIVE_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server, giving in-flight requests `graceMs` before cutting idle and remaining sockets. */
export async function closeServer(server: http.Server, graceMs = 5_000): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
