import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError, sendJson, type HttpRoute } from '@platform/kernel';
import type { KeyRing } from '../domain/key-ring.ts';
import { mintServiceToken, SERVICE_SCOPES, SERVICE_TOKEN_TTL_SECONDS } from '../domain/service-tokens.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest();
const NO_CREDENTIAL = Buffer.alloc(32);

/**
 * POST /internal/service-token {service, scopes} with `Authorization: Bearer <that service's SERVICE_SECRET>`.
 * Each service proves itself with its own secret (identity holds only its SHA-256) and may ask only for
 * the scopes SERVICE_SCOPES gives it: another service's name with one's own secret is 401.
 */
export function serviceTokenRoute(keys: KeyRing, credentials: ReadonlyMap<string, string>): HttpRoute {
  return {
    method: 'POST',
    path: '/internal/service-token',
    handler: async (req, res, body) => {
      const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const { service, scopes } = (body ?? {}) as { service?: unknown; scopes?: unknown };
      const allowed = typeof service === 'string' && Object.hasOwn(SERVICE_SCOPES, service) ? SERVICE_SCOPES[service] : undefined;
      if (typeof service !== 'string' || !allowed) throw new HttpError(400, 'unknown service');
      // Digests of equal length, compared in constant time; an unconfigured service compares against zeros.
      const expected = credentials.get(service);
      const matches = timingSafeEqual(sha256(presented), expected ? Buffer.from(expected, 'hex') : NO_CREDENTIAL);
      if (!expected || !matches) throw new HttpError(401, 'invalid service credentials');
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && allowed.includes(s))) {
        throw new HttpError(403, `scopes must be a subset of: ${allowed.join(', ')}`);
      }
      const { token } = await mintServiceToken(keys, service, scopes as string[]);
      sendJson(res, 200, { token, expiresIn: SERVICE_TOKEN_TTL_SECONDS });
    },
  };
}
