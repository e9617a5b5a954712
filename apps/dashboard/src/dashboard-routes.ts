import type http from 'node:http';
import type { HttpRoute, Logger } from '@platform/kernel';
import { dashboardAssets, type DashboardAssets } from './bundle.ts';

export const DASHBOARD_PATH = '/dashboard';
const SCRIPT_PATH = `${DASHBOARD_PATH}/app.js`;
const STYLE_PATH = `${DASHBOARD_PATH}/app.css`;

/**
 * Scripts, styles and requests on the gateway's own origin only (HTTP and graphql-ws to /graphql), never
 * framed, no referrer. uPlot sizes its canvas with inline style attributes, hence 'unsafe-inline' for
 * styles only. Invoices are fetched from billing's invoice route, named by the API (its origin is added).
 */
export function dashboardSecurityHeaders(connectOrigins: readonly string[] = []): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      `connect-src 'self' ${connectOrigins.join(' ')}`.trim(),
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

const page = (assets: DashboardAssets) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Dashboard · Cloud platform</title>
    <link rel="stylesheet" href="${STYLE_PATH}?v=${assets.version}" />
    <script type="module" src="${SCRIPT_PATH}?v=${assets.version}"></script>
  </head>
  <body>
    <div id="dashboard"><p role="status">Loading the dashboard…</p></div>
  </body>
</html>
`;

export interface DashboardOptions {
  readonly logger: Logger;
  readonly cacheDir?: string;
  /** Other origins the page may fetch from (billing's invoice documents). */
  readonly connectOrigins?: readonly string[];
}

/**
 * The dashboard on the gateway's own origin: GET /dashboard is the page, /dashboard/app.{js,css} its
 * bundle. Same origin as /graphql, so no CORS allowlist, and the graphql-ws socket needs no other host.
 */
export function createDashboard(options: DashboardOptions) {
  const headers = dashboardSecurityHeaders(options.connectOrigins);
  const assets = () =>
    dashboardAssets(options.cacheDir).catch((error: unknown) => {
      options.logger.error('dashboard build failed', { error });
      throw error;
    });
  const send = (res: http.ServerResponse, type: string, body: string | Buffer, cache: string) => {
    res.writeHead(200, { ...headers, 'content-type': type, 'cache-control': cache, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const asset = (pick: (a: DashboardAssets) => Buffer, type: string) => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const built = await assets();
    // Versioned URLs never change content: cache for a year; an unversioned one is revalidated.
    const versioned = new URL(req.url ?? '/', 'http://localhost').searchParams.get('v') === built.version;
    send(res, type, pick(built), versioned ? 'public, max-age=31536000, immutable' : 'no-cache');
  };
  const servePage = async (_req: http.IncomingMessage, res: http.ServerResponse) => send(res, 'text/html; charset=utf-8', page(await assets()), 'no-store');
  return {
    /** Builds (or finds in the cache) the bundle; `npm start` awaits it before printing the URL. */
    ready: () => assets().then(() => undefined),
    routes: [
      { method: 'GET', path: DASHBOARD_PATH, handler: servePage },
      { method: 'GET', path: `${DASHBOARD_PATH}/`, handler: servePage },
      { method: 'GET', path: SCRIPT_PATH, handler: asset((a) => a.js, 'text/javascript; charset=utf-8') },
      { method: 'GET', path: STYLE_PATH, handler: asset((a) => a.css, 'text/css; charset=utf-8') },
    ] satisfies HttpRoute[],
  };
}
