import { HttpError, sendJson, type HttpRoute } from '@platform/kernel';
import { ApiKeyRefused, type ApiKeyService } from '../domain/api-key-service.ts';

/** The key from `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: { authorization?: string | undefined; 'x-api-key'?: string | string[] | undefined }): string | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  return /^Bearer\s+(\S+)$/i.exec(headers.authorization?.trim() ?? '')?.[1] ?? null;
}

/**
 * POST /api-keys/token with the key in `X-API-Key` or `Authorization: Bearer`: answers
 * `{ accessToken, tokenType, expiresIn, expiresAt, apiKeyId, organizationId, role, scopes, rateLimit }`.
 * The gateway calls it for keys clients send it; other callers (a telemetry collector posting to
 * vms directly) call it themselves and send the token as any other. A bad, revoked or expired key,
 * or one whose owner lost the role, is 401.
 */
export function apiKeyTokenRoute(apiKeys: ApiKeyService): HttpRoute {
  return {
    method: 'POST',
    path: '/api-keys/token',
    handler: async (req, res) => {
      const presented = presentedApiKey(req.headers);
      if (!presented) throw new HttpError(401, 'Send the API key as "X-API-Key: <key>" or "Authorization: Bearer <key>".');
      try {
        const { token, expiresAt, apiKey } = await apiKeys.exchange(presented);
        sendJson(
          res,
          200,
          {
            accessToken: token,
            tokenType: 'Bearer',
            expiresIn: Math.round((expiresAt.getTime() - Date.now()) / 1000),
            expiresAt: expiresAt.toISOString(),
            apiKeyId: apiKey.id,
            organizationId: apiKey.organizationId,
            role: apiKey.role,
            scopes: apiKey.scopes,
            rateLimit: apiKey.rateLimit,
          },
          { 'cache-control': 'no-store' },
        );
      } catch (error) {
        if (error instanceof ApiKeyRefused) throw new HttpError(401, error.message);
        throw error;
      }
    },
  };
}
