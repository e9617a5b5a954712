import { createHash } from 'node:crypto';
import { fail, type Logger } from '@platform/kernel';

export interface ExchangedKey {
  readonly token: string;
  readonly expiresAtMs: number;
}

interface Cached {
  readonly token: string;
  /** Reused until then: the configured cache time, and never within a margin of the token's expiry. */
  readonly freshUntilMs: number;
}

/** A token is not handed on in its last seconds: a subgraph must still accept it when the request reaches it. */
const EXPIRY_MARGIN_MS = 15_000;
const MAX_ENTRIES = 10_000;
const EXCHANGE_TIMEOUT_MS = 5_000;

/**
 * Turns API keys into identity's short-lived tokens, reusing a token per key for at most the
 * configured cache time so a revocation takes effect within it. Keys are held only as their
 * SHA-256; concurrent requests with one key share one exchange.
 */
export class ApiKeyExchange {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<ExchangedKey>>();

  constructor(
    private readonly url: () => string,
    private readonly cacheSeconds: number,
    private readonly logger: Logger,
  ) {}

  async tokenFor(key: string): Promise<string> {
    const id = createHash('sha256').update(key).digest('base64url');
    const hit = this.cache.get(id);
    if (hit && hit.freshUntilMs > Date.now()) return hit.token;
    if (hit) this.cache.delete(id);
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.exchange(key).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    const { token, expiresAtMs } = await pending;
    const freshUntilMs = Math.min(Date.now() + this.cacheSeconds * 1000, expiresAtMs - EXPIRY_MARGIN_MS);
    if (freshUntilMs > Date.now()) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(id, { token, freshUntilMs });
    }
    return token;
  }

  private async exchange(key: string): Promise<ExchangedKey> {
    let response: Response;
    try {
      response = await fetch(this.url(), {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error('API key exchange failed: identity unreachable', { cause: error });
    }
    const body = (await response.json().catch(() => null)) as { accessToken?: unknown; expiresAt?: unknown; errors?: { message?: unknown }[] } | null;
    if (response.status === 401) {
      const message = typeof body?.errors?.[0]?.message === 'string' ? body.errors[0].message : 'The API key is not valid.';
      throw fail('UNAUTHENTICATED', message, {}, 401);
    }
    if (!response.ok || typeof body?.accessToken !== 'string' || typeof body.expiresAt !== 'string') {
      this.logger.error('API key exchange answered unexpectedly', { status: response.status });
      throw new Error(`API key exchange failed with HTTP ${response.status}`);
    }
    return { token: body.accessToken, expiresAtMs: Date.parse(body.expiresAt) };
  }
}
