import { timingSafeEqual, createHash } from 'node:crypto';
import { HttpError, sendJson, type HttpRoute } from '@platform/kernel';
import type { KeyRing } from '../domain/key-ring.ts';

/** The scopes each internal service may ask for: narrow, per service (DESIGN §4). */
export const SERVICE_SCOPES: Readonly<Record<string, readonly string[]>> = {
  identity: ['tenancy:read', 'tenancy:write'],
  tenancy: [],
  wallet: ['tenancy:read'],
  catalog: ['tenancy:read'],
  vms: ['tenancy:read', 'catalog:price', 'wallet:hold'],
  billing: ['tenancy:read', 'catalog:price', 'wallet:debit', 'wallet:commission'],
};

export const SERVICE_TOKEN_TTL_SECONDS = 300;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** POST /internal/service-token {service, scopes} with `Authorization: Bearer <SERVICE_SECRET>`. */
export function serviceTokenRoute(keys: KeyRing, secret: string): HttpRoute {
  return {
    method: 'POST',
    path: '/internal/service-token',
    handler: async (req, res, body) => {
      const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), digest(secret))) throw new HttpError(401, 'invalid service credentials');
      const { service, scopes } = (body ?? {}) as { service?: unknown; scopes?: unknown };
      const allowed = typeof service === 'string' ? SERVICE_SCOPES[service] : undefined;
      if (!allowed) throw new HttpError(400, 'unknown service');
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && allowed.includes(s))) {
        throw new HttpError(403, `scopes must be a subset of: ${allowed.join(', ')}`);
      }
      const { token } = await mintServiceToken(keys, service as string, scopes as string[]);
      sendJson(res, 200, { token, expiresIn: SERVICE_TOKEN_TTL_SECONDS });
    },
  };
}

export function mintServiceToken(keys: KeyRing, service: string, scopes: readonly string[]) {
  return keys.sign({ typ: 'service', scopes: [...scopes] }, `service:${service}`, SERVICE_TOKEN_TTL_SECONDS);
}

/** GET /.well-known/jwks.json — cacheable briefly; verifiers refetch on an unknown kid anyway. */
export function jwksRoute(keys: KeyRing): HttpRoute {
  return {
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler: async (_req, res) => sendJson(res, 200, await keys.jwks(), { 'cache-control': 'public, max-age=300' }),
  };
}
