import { ConfigError, EnvReader, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export interface IdentityConfig extends ServiceConfig {
  /** Tenancy's GraphQL endpoint, for memberships. */
  readonly tenancyUrl: string;
  /** Shared secret other services present to get service tokens. */
  readonly serviceSecret: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** A new signing key is published this long before it signs (longer than verifiers cache the JWKS). */
  readonly keyPublishLeadSeconds: number;
  /** scrypt cost as log2(N); OWASP: N = 2^17, r = 8, p = 1. */
  readonly passwordScryptLog2N: number;
  readonly loginMaxFailures: number;
  readonly loginWindowSeconds: number;
  readonly loginLockSeconds: number;
}

export function readIdentityConfig(env: Env = process.env): IdentityConfig {
  const r = new EnvReader(env);
  const serviceSecret = r.string('SERVICE_SECRET');
  if (serviceSecret.length < 32) throw new ConfigError('SERVICE_SECRET', 'must be at least 32 characters');
  return Object.freeze({
    ...readServiceConfig('identity', 4001, env),
    tenancyUrl: r.url('TENANCY_URL', 'http://127.0.0.1:4002/graphql'),
    serviceSecret,
    accessTokenTtlSeconds: r.int('ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30, max: 3600 }),
    refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 14 * 24 * 3600, { min: 300 }),
    keyPublishLeadSeconds: r.int('KEY_PUBLISH_LEAD_SECONDS', 900, { min: 0 }),
    passwordScryptLog2N: r.int('PASSWORD_SCRYPT_LOG2N', 17, { min: 14, max: 20 }),
    loginMaxFailures: r.int('LOGIN_MAX_FAILURES', 5, { min: 1 }),
    loginWindowSeconds: r.int('LOGIN_WINDOW_SECONDS', 900, { min: 1 }),
    loginLockSeconds: r.int('LOGIN_LOCK_SECONDS', 900, { min: 1 }),
  });
}
