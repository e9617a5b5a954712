import type { EnvReader } from '@platform/kernel';

export interface ApiKeyConfig {
  /** Identity's exchange route (POST, key in X-API-Key); by default JWKS_URL's origin + /api-keys/token. */
  readonly exchangeUrl: string;
  /**
   * How long an exchanged token is reused for its key (never past the token's expiry minus a margin):
   * a revoked key, or one whose owner left, is refused at most this long after.
   */
  readonly cacheSeconds: number;
}

export function readApiKeyConfig(r: EnvReader, jwksUrl: string): ApiKeyConfig {
  return Object.freeze({
    exchangeUrl: r.url('API_KEY_EXCHANGE_URL', new URL('/api-keys/token', jwksUrl).toString()),
    cacheSeconds: r.int('API_KEY_CACHE_SECONDS', 30, { min: 0, max: 60 }),
  });
}
