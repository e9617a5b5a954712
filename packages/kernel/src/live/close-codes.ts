import { decodeJwt } from 'jose';
import type { AuthenticatedCaller, Caller } from '../auth/caller.ts';
import { callerFromAuthorization, type TokenVerifier } from '../auth/verify-token.ts';

/**
 * WebSocket close codes of the platform's graphql-ws endpoints (gateway and subgraphs), documented
 * in the README. Stock graphql-ws clients give up on 4401/4403 (fatal) and reconnect on the others,
 * re-reading `connectionParams` (so a client that refreshes its token there carries on).
 */
export const LIVE_CLOSE = {
  /** No token, or a token that does not verify: fix the credentials (not retried by clients). */
  UNAUTHORIZED: { code: 4401, reason: 'Unauthorized' },
  /** A valid token of a kind that may not subscribe (a service token). */
  FORBIDDEN: { code: 4403, reason: 'Forbidden' },
  /** The access token expired: reconnect with a fresh one. */
  TOKEN_EXPIRED: { code: 4419, reason: 'Token expired; reconnect with a fresh token' },
  /** The gateway loaded a new supergraph: reconnect and subscribe again. */
  SUPERGRAPH_RELOADED: { code: 4012, reason: 'Supergraph reloaded; reconnect' },
  /** The server is shutting down (graceful): reconnect, another replica will answer. */
  GOING_AWAY: { code: 1001, reason: 'Server shutting down' },
} as const;

export type ConnectionAuth =
  | { readonly ok: true; readonly caller: AuthenticatedCaller; readonly expiresAtMs: number }
  | { readonly ok: false; readonly close: { readonly code: number; readonly reason: string } };

/**
 * The caller of a graphql-ws connection, from `connectionParams.authorization` ("Bearer <token>",
 * as over HTTP; `Authorization` is accepted too). Only users and API keys may subscribe.
 * `callerOf` (the gateway's) resolves the caller from the params instead, e.g. exchanging an API key
 * given as `x-api-key` or as the bearer value; it sees the params as lower-cased header-like strings.
 */
export async function authenticateConnection(
  connectionParams: unknown,
  verifyToken: TokenVerifier,
  callerOf?: (headers: Readonly<Record<string, string>>) => Promise<Caller>,
): Promise<ConnectionAuth> {
  const params = typeof connectionParams === 'object' && connectionParams !== null ? (connectionParams as Record<string, unknown>) : {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (typeof value === 'string' && value !== '') headers[name.toLowerCase()] = value;
  if (headers['authorization'] === undefined && (!callerOf || headers['x-api-key'] === undefined)) {
    return { ok: false, close: { code: LIVE_CLOSE.UNAUTHORIZED.code, reason: 'Unauthorized: send connectionParams.authorization' } };
  }
  let caller;
  try {
    caller = callerOf ? await callerOf(headers) : await callerFromAuthorization(headers['authorization'], verifyToken);
  } catch {
    return { ok: false, close: LIVE_CLOSE.UNAUTHORIZED };
  }
  if (caller.kind !== 'authenticated') return { ok: false, close: LIVE_CLOSE.UNAUTHORIZED };
  if (caller.typ === 'service') return { ok: false, close: { code: LIVE_CLOSE.FORBIDDEN.code, reason: 'Forbidden: service tokens cannot subscribe' } };
  const exp = decodeJwt(caller.token).exp; // verified above, so present and signed
  return { ok: true, caller, expiresAtMs: (exp ?? 0) * 1000 };
}
