import { sendJson, type HttpRoute } from '@platform/kernel';
import type { KeyRing } from '../domain/key-ring.ts';

/** GET /.well-known/jwks.json — cacheable briefly; verifiers refetch on an unknown kid anyway. */
export function jwksRoute(keys: KeyRing): HttpRoute {
  return {
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler: async (_req, res) => sendJson(res, 200, await keys.jwks(), { 'cache-control': 'public, max-age=300' }),
  };
}
