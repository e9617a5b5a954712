import type http from 'node:http';
import type { HttpRoute, Logger } from '@platform/kernel';
import { EXPLORER_SECURITY_HEADERS } from '../posture/security-headers.ts';
import { explorerAssets, type ExplorerAssets } from './bundle.ts';

export const EXPLORER_SCRIPT_PATH = '/explorer/app.js';
export const EXPLORER_STYLE_PATH = '/explorer/app.css';

/**
 * A browser opening /graphql gets the explorer; anything else on GET /graphql (a query in the URL, a
 * client asking for JSON) is a GraphQL request.
 */
export function wantsExplorer(req: http.IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.searchParams.has('query') || url.searchParams.has('extensions')) return false;
  return (req.headers.accept ?? '').includes('text/html');
}

const page = (assets: ExplorerAssets) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>API explorer · Cloud platform</title>
    <link rel="stylesheet" href="${EXPLORER_STYLE_PATH}?v=${assets.version}" />
    <script src="${EXPLORER_SCRIPT_PATH}?v=${assets.version}" defer></script>
  </head>
  <body>
    <div id="explorer">Loading the explorer…</div>
  </body>
</html>
`;

/** The explorer page (served from the /graphql handler) and the routes of its bundled assets. */
export function createExplorer(options: { cacheDir?: string; logger: Logger }) {
  const assets = () =>
    explorerAssets(options.cacheDir).catch((error: unknown) => {
      options.logger.error('explorer build failed', { error });
      throw error;
    });
  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer, cache: string) => {
    res.writeHead(status, { ...EXPLORER_SECURITY_HEADERS, 'content-type': type, 'cache-control': cache, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const asset = (pick: (a: ExplorerAssets) => Buffer, type: string) => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const built = await assets();
    // Versioned URLs never change content: cache for a year; an unversioned one is revalidated.
    const versioned = new URL(req.url ?? '/', 'http://localhost').searchParams.get('v') === built.version;
    send(res, 200, type, pick(built), versioned ? 'public, max-age=31536000, immutable' : 'no-cache');
  };
  return {
    /** Builds (or finds in the cache) the bundle in the background, so the first browser does not wait. */
    warm() {
      assets().catch(() => undefined); // logged in assets(); the page request tries again
    },
    async servePage(_req: http.IncomingMessage, res: http.ServerResponse) {
      send(res, 200, 'text/html; charset=utf-8', page(await assets()), 'no-store');
    },
    routes: [
      { method: 'GET', path: EXPLORER_SCRIPT_PATH, handler: asset((a) => a.js, 'text/javascript; charset=utf-8') },
      { method: 'GET', path: EXPLORER_STYLE_PATH, handler: asset((a) => a.css, 'text/css; charset=utf-8') },
    ] satisfies HttpRoute[],
  };
}
