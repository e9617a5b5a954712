import { createHash } from 'node:crypto';

/**
 * Short-lived service tokens for subgraph-to-subgraph calls (DESIGN §4). A service asks identity
 * for a token with the scopes it needs, proving itself with its own secret (SERVICE_SECRET, one per
 * service), and keeps the token until shortly before it expires.
 */
export type ServiceTokenSource = () => Promise<string>;

/**
 * What identity stores of a service's secret (SERVICE_CREDENTIALS): its SHA-256, hex. The secrets
 * are random (32 bytes or more), so a fast hash is enough; identity never holds them in the clear.
 */
export const hashServiceSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** SERVICE_CREDENTIALS for identity: `name=sha256hex,…` from each service's secret. */
export const serviceCredentialsEnv = (secrets: Readonly<Record<string, string>>): string =>
  Object.entries(secrets)
    .map(([name, secret]) => `${name}=${hashServiceSecret(secret)}`)
    .join(',');

export interface RemoteServiceTokenOptions {
  readonly identityUrl: string; // base URL of the identity service, e.g. http://127.0.0.1:4001
  readonly service: string;
  readonly secret: string;
  readonly scopes: readonly string[];
}

const REFRESH_MARGIN_MS = 30_000;

export function remoteServiceTokens(options: RemoteServiceTokenOptions): ServiceTokenSource {
  return cachedTokens(async () => {
    const response = await fetch(new URL('/internal/service-token', options.identityUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.secret}` },
      body: JSON.stringify({ service: options.service, scopes: options.scopes }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`service token request failed with HTTP ${response.status}`);
    const body = (await response.json()) as { token: string; expiresIn: number };
    return { token: body.token, expiresAt: Date.now() + body.expiresIn * 1000 };
  });
}

/** Wraps a token minter so concurrent callers share one request and reuse the token until near expiry. */
export function cachedTokens(mint: () => Promise<{ token: string; expiresAt: number }>): ServiceTokenSource {
  let current: { token: string; expiresAt: number } | undefined;
  let pending: Promise<{ token: string; expiresAt: number }> | undefined;
  return async () => {
    if (current && current.expiresAt - REFRESH_MARGIN_MS > Date.now()) return current.token;
    pending ??= mint().finally(() => (pending = undefined));
    current = await pending;
    return current.token;
  };
}
