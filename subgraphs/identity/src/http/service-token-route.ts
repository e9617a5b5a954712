import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError, sendJson, type HttpRoute } from '@platform/kernel';
import type { KeyRing } from '../domain/key-ring.ts';
import { mintServiceToken, SERVICE_SCOPES, SERVICE_TOKEN_TTL_SECONDS } from '../domain/service-tokens.ts';

// Digests first: timingSafeEqual needs equal lengths, and comparing digests leaks no length.
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
      if (typeof service !== 'string' || !allowed) throw new HttpError(400, 'unknown service');
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && allowed.includes(s))) {
        throw new HttpError(403, `scopes must be a subset of: ${allowed.join(', ')}`);
      }
      const { token } = await mintServiceToken(keys, service, scopes as string[]);
      sendJson(res, 200, { token, expiresIn: SERVICE_TOKEN_TTL_SECONDS });
    },
  };
}
