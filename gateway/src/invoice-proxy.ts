import { HttpError, sendJson, type HttpRoute } from '@platform/kernel';
import type { ApiKeyExchange } from './api-keys/key-exchange.ts';
import { presentedApiKey } from './api-keys/presented-key.ts';

/** The headers of billing's invoice answer that the client should see. */
const PASSED_HEADERS = ['content-type', 'content-disposition', 'cache-control', 'x-content-type-options', 'content-security-policy'];

/**
 * GET /invoice?id=… on the gateway's origin, answered by billing's invoice route: a browser app on
 * this origin (the dashboard) downloads invoices without CORS, and billing's own port need not be
 * public. The caller's bearer token is passed on (an API key is exchanged for its token first, as for
 * /graphql); billing checks who may read the bill. `billingUrl` is billing's subgraph URL, once the
 * supergraph is loaded.
 */
export function invoiceProxyRoute(billingUrl: () => string | undefined, apiKeys: ApiKeyExchange | undefined, timeoutMs: number): HttpRoute {
  return {
    method: 'GET',
    path: '/invoice',
    async handler(req, res) {
      const target = billingUrl();
      if (!target) throw new HttpError(503, 'Invoices are not available: the billing subgraph is not in the supergraph.');
      const key = apiKeys ? presentedApiKey(req.headers) : null;
      const authorization =
        key && apiKeys
          ? `Bearer ${await apiKeys.tokenFor(key).catch(() => {
              throw new HttpError(401, 'The API key is not valid.');
            })}`
          : req.headers.authorization;
      const url = new URL(req.url ?? '/invoice', 'http://gateway');
      const upstream = await fetch(new URL(`/invoice${url.search}`, target), {
        headers: authorization ? { authorization } : {},
        signal: AbortSignal.timeout(timeoutMs),
      }).catch(() => null);
      if (!upstream) return sendJson(res, 502, { error: 'The billing service did not answer; try again.' });
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value) headers[name] = value;
      }
      res.writeHead(upstream.status, headers);
      res.end(Buffer.from(await upstream.arrayBuffer()));
    },
  };
}
