import type http from 'node:http';

/** Keys are told from JWTs by their prefix (a JWT starts with `eyJ`). */
export const API_KEY_PREFIX = 'cdp_';

/**
 * The API key a request carries: `X-API-Key: <key>`, or `Authorization: Bearer <key>` when the
 * bearer value has the key prefix. Null: no key (a JWT or nothing).
 */
export function presentedApiKey(headers: http.IncomingHttpHeaders): string | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization?.trim() ?? '')?.[1];
  return bearer?.startsWith(API_KEY_PREFIX) ? bearer : null;
}
