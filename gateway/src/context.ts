import type http from 'node:http';
import { ANONYMOUS, clientAddressOf, requestIdFrom, type Caller, type Logger, type TokenVerifier } from '@platform/kernel';
import { callerFromRequest } from './api-keys/caller-from-request.ts';
import type { ApiKeyExchange } from './api-keys/key-exchange.ts';
import type { RateLimitGate } from './rate-limit/rate-limit-gate.ts';

/** What the gateway knows about one request: who (verified), and the id that ties logs together across services. */
export interface GatewayContext {
  readonly requestId: string;
  readonly caller: Caller;
  readonly logger: Logger;
  /** The client's address (x-forwarded-for only from a trusted proxy); sent on as x-forwarded-for (identity throttles sign-ins by it). */
  readonly clientAddress?: string;
}

export interface GatewayContextDeps {
  readonly verifyToken: TokenVerifier;
  readonly logger: Logger;
  /** Turns API keys into tokens; without it a key is treated as a (bad) bearer token. */
  readonly apiKeys?: ApiKeyExchange;
  /** Per-principal limits; without it, none. */
  readonly rateLimits?: RateLimitGate;
  readonly trustedProxies?: readonly string[];
}

/**
 * No header → anonymous; a bad or forged token, or a refused API key → UNAUTHENTICATED (401) before
 * anything is planned (and counted against the address); then the principal's rate limit
 * (RATE_LIMITED, 429 with Retry-After).
 */
export async function createGatewayContext(req: http.IncomingMessage, deps: GatewayContextDeps): Promise<GatewayContext> {
  const requestId = requestIdFrom(req);
  const clientAddress = clientAddressOf(req, deps.trustedProxies ?? []);
  let caller: Caller;
  try {
    caller = await callerFromRequest(req.headers, deps.verifyToken, deps.apiKeys);
  } catch (error) {
    // Refused credentials count against the client's address, so guessing keys or tokens is throttled too.
    await deps.rateLimits?.admit(ANONYMOUS, clientAddress);
    throw error;
  }
  await deps.rateLimits?.admit(caller, clientAddress);
  return { requestId, caller, logger: deps.logger.child({ requestId }), clientAddress };
}

export function isGatewayContext(value: unknown): value is GatewayContext {
  return typeof value === 'object' && value !== null && typeof (value as Partial<GatewayContext>).requestId === 'string';
}
