import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { fail } from '../errors.ts';
import { ANONYMOUS, type AuthenticatedCaller, type Caller, type CallerType } from './caller.ts';
import { isRole } from './roles.ts';

export const ACCEPTED_ALGORITHMS = ['EdDSA', 'ES256'];

export interface TokenVerifierOptions {
  /** Where public keys come from: a JWKS URL (cached, refetched on an unknown kid) or a resolver. */
  readonly keys: string | JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
}

export type TokenVerifier = (token: string) => Promise<AuthenticatedCaller>;

/**
 * A remote JWKS whose URL is known only later (services started on port 0 in one process):
 * the key set is created on first use.
 */
export function lazyRemoteJwks(url: () => string): JWTVerifyGetKey {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  return (header, token) => {
    jwks ??= createRemoteJWKSet(new URL(url()), { cooldownDuration: 1_000, cacheMaxAge: 10 * 60_000 });
    return jwks(header, token);
  };
}

const CALLER_TYPES: readonly CallerType[] = ['user', 'api_key', 'service'];

/** Verified tokens kept, so a token used for many requests is checked once (signature checks cost ~0.7 ms). */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const getKey =
    typeof options.keys === 'string' ? createRemoteJWKSet(new URL(options.keys), { cooldownDuration: 1_000, cacheMaxAge: 10 * 60_000 }) : options.keys;
  // Only tokens that passed every check get in, keyed by the whole token (a changed byte is a miss),
  // and a hit still honours `exp`. Access tokens are short-lived and not revocable, so this answers
  // exactly what verifying again would.
  const verified = new Map<string, { caller: AuthenticatedCaller; expiresAtMs: number }>();
  const verify = createUncachedVerifier(getKey, options);
  return async (token) => {
    const hit = verified.get(token);
    if (hit && hit.expiresAtMs > Date.now()) return hit.caller;
    if (hit) verified.delete(token);
    const { caller, expiresAtMs } = await verify(token);
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
    verified.set(token, { caller, expiresAtMs });
    return caller;
  };
}

function createUncachedVerifier(getKey: JWTVerifyGetKey, options: TokenVerifierOptions) {
  return async (token: string): Promise<{ caller: AuthenticatedCaller; expiresAtMs: number }> => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'typ'],
      }));
    } catch (error) {
      throw fail('UNAUTHENTICATED', describeJoseError(error), {}, 401);
    }
    const typ = payload['typ'];
    const role = payload['role'] ?? null;
    const org = payload['org'] ?? null;
    const scopes = payload['scopes'] ?? [];
    if (
      typeof payload.sub !== 'string' ||
      !CALLER_TYPES.includes(typ as CallerType) ||
      (role !== null && !isRole(role)) ||
      (org !== null && typeof org !== 'string') ||
      !Array.isArray(scopes) ||
      !scopes.every((s) => typeof s === 'string')
    ) {
      throw fail('UNAUTHENTICATED', 'The access token has malformed claims.', {}, 401);
    }
    const caller: AuthenticatedCaller = Object.freeze({
      kind: 'authenticated',
      sub: payload.sub,
      typ: typ as CallerType,
      org: org as string | null,
      role: role as AuthenticatedCaller['role'],
      scopes: Object.freeze([...(scopes as string[])]),
      token,
    });
    return { caller, expiresAtMs: (payload.exp as number) * 1000 };
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired; refresh the session.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The access token is not valid here (${error.claim}).`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The access token was signed by an unknown key.';
  return 'The access token is invalid.';
}

/** Reads `Authorization: Bearer …`; no header means anonymous, a bad token is UNAUTHENTICATED. */
export async function callerFromAuthorization(header: string | undefined | null, verify: TokenVerifier): Promise<Caller> {
  if (!header) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw fail('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".', {}, 401);
  return verify(match[1]);
}
