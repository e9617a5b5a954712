import type http from 'node:http';
import { callerFromAuthorization, type Caller, type TokenVerifier } from '@platform/kernel';
import type { ApiKeyExchange } from './key-exchange.ts';
import { presentedApiKey } from './presented-key.ts';

/**
 * The request's caller: an API key (X-API-Key, or a bearer value with the key prefix) is exchanged
 * for identity's short-lived token, which is then verified like any other; otherwise the bearer JWT.
 * From here on an API key's request carries only the token, never the key.
 */
export async function callerFromRequest(headers: http.IncomingHttpHeaders, verifyToken: TokenVerifier, apiKeys: ApiKeyExchange | undefined): Promise<Caller> {
  const key = apiKeys ? presentedApiKey(headers) : null;
  if (key && apiKeys) return verifyToken(await apiKeys.tokenFor(key));
  return callerFromAuthorization(headers.authorization, verifyToken);
}
