import { timingSafeEqual } from 'node:crypto';
import { sendJson, type HttpRoute } from '../http/http-server.ts';
import type { MetricsAccess } from './metrics-access.ts';
import { metricsRegistry } from './metrics-registry.ts';

/** `GET /metrics` in the Prometheus text format, or nothing when `access` says it is not served. */
export function metricsRoutes(access: MetricsAccess): HttpRoute[] {
  if (!access.served) return [];
  const expected = access.token === undefined ? undefined : Buffer.from(`Bearer ${access.token}`);
  return [
    {
      method: 'GET',
      path: '/metrics',
      handler: async (req, res) => {
        if (expected) {
          const presented = Buffer.from(req.headers.authorization ?? '');
          if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
            sendJson(res, 401, { error: 'send Authorization: Bearer <METRICS_TOKEN>' }, { 'www-authenticate': 'Bearer' });
            return;
          }
        }
        const text = await metricsRegistry.metrics();
        res.writeHead(200, { 'content-type': metricsRegistry.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
    },
  ];
}
