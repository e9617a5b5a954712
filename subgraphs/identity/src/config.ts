import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ConfigError, EnvReader, parseTrustedProxies, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';
import { SERVICE_SCOPES } from './domain/service-tokens.ts';

export interface IdentityConfig extends ServiceConfig {
  /** Tenancy's GraphQL endpoint, for memberships. */
  readonly tenancyUrl: string;
  /** Each service's credential (SHA-256 of its SERVICE_SECRET, hex), by service name: only these get service tokens. */
  readonly serviceCredentials: ReadonlyMap<string, string>;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** A new signing key is published this long before it signs (longer than verifiers cache the JWKS). */
  readonly keyPublishLeadSeconds: number;
  /** scrypt cost as log2(N); OWASP: N = 2^17, r = 8, p = 1. */
  readonly passwordScryptLog2N: number;
  readonly loginMaxFailures: number;
  readonly loginWindowSeconds: number;
  readonly loginLockSeconds: number;
  /** Failed (or in-flight) sign-ins one client address may make per window before it is refused. */
  readonly loginAddressMaxFailures: number;
  /** Peers whose x-forwarded-for is believed (the gateway); anyone else is throttled by their socket address. */
  readonly trustedProxies: readonly string[];
  /** Password checks run at once, how many may wait and for how long; beyond that a sign-in is RATE_LIMITED. */
  readonly passwordHashConcurrency: number;
  readonly passwordHashQueue: number;
  readonly passwordHashMaxWaitMs: number;
  /** A refresh-token family (one sign-in) ends this long after the sign-in, however often it rotates. */
  readonly refreshFamilyMaxSeconds: number;
  /** Seals private signing keys: the current key first, then older ones still readable (rotation). */
  readonly keyEncryptionKeys: readonly KeyEncryptionKey[];
  /** Lifetime of the token an API key is exchanged for (never past the key's own expiry). */
  readonly apiKeyTokenTtlSeconds: number;
  /** Live API keys one organisation may hold at once. */
  readonly apiKeyMaxPerOrganization: number;
  /** How often keys whose owners left or lost the role are revoked (besides at their next use). */
  readonly apiKeyOwnerSweepMs: number;
}

export interface KeyEncryptionKey {
  /** Stored with each sealed row: the first 16 hex digits of the key's SHA-256. */
  readonly id: string;
  readonly key: Buffer;
  /** The variable it came from, for error messages. */
  readonly variable: string;
}

function readKek(variable: string, value: string): KeyEncryptionKey {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    throw new ConfigError(variable, 'must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)');
  }
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key, variable };
}

function readKeks(r: EnvReader, env: Env): KeyEncryptionKey[] {
  const current = readKek('KEY_ENCRYPTION_KEY', r.string('KEY_ENCRYPTION_KEY'));
  const previous = (env['KEY_ENCRYPTION_KEYS_PREVIOUS'] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => readKek('KEY_ENCRYPTION_KEYS_PREVIOUS', v));
  return [current, ...previous];
}

export function readIdentityConfig(env: Env = process.env): IdentityConfig {
  const r = new EnvReader(env);
  const serviceCredentials = parseServiceCredentials(r.string('SERVICE_CREDENTIALS'));
  return Object.freeze({
    ...readServiceConfig('identity', 4001, env),
    tenancyUrl: r.url('TENANCY_URL', 'http://127.0.0.1:4002/graphql'),
    serviceCredentials,
    accessTokenTtlSeconds: r.int('ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30, max: 3600 }),
    refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 14 * 24 * 3600, { min: 300 }),
    keyPublishLeadSeconds: r.int('KEY_PUBLISH_LEAD_SECONDS', 900, { min: 0 }),
    passwordScryptLog2N: r.int('PASSWORD_SCRYPT_LOG2N', 17, { min: 14, max: 20 }),
    loginMaxFailures: r.int('LOGIN_MAX_FAILURES', 5, { min: 1 }),
    loginWindowSeconds: r.int('LOGIN_WINDOW_SECONDS', 900, { min: 1 }),
    loginLockSeconds: r.int('LOGIN_LOCK_SECONDS', 900, { min: 1 }),
    loginAddressMaxFailures: r.int('LOGIN_ADDRESS_MAX_FAILURES', 50, { min: 1 }),
    trustedProxies: parseTrustedProxies(env['TRUSTED_PROXY_ADDRESSES'], '127.0.0.1,::1,::ffff:127.0.0.1'),
    passwordHashConcurrency: r.int('PASSWORD_HASH_CONCURRENCY', availableParallelism(), { min: 1, max: 64 }),
    passwordHashQueue: r.int('PASSWORD_HASH_QUEUE', 16, { min: 0, max: 10_000 }),
    passwordHashMaxWaitMs: r.int('PASSWORD_HASH_MAX_WAIT_MS', 2000, { min: 1, max: 60_000 }),
    refreshFamilyMaxSeconds: r.int('REFRESH_FAMILY_MAX_SECONDS', 30 * 24 * 3600, { min: 300 }),
    keyEncryptionKeys: readKeks(r, env),
    apiKeyTokenTtlSeconds: r.int('API_KEY_TOKEN_TTL_SECONDS', 300, { min: 30, max: 3600 }),
    apiKeyMaxPerOrganization: r.int('API_KEY_MAX_PER_ORGANIZATION', 50, { min: 1, max: 10_000 }),
    apiKeyOwnerSweepMs: r.int('API_KEY_OWNER_SWEEP_MS', 300_000, { min: 100, max: 86_400_000 }),
  });
}

/** `name=sha256hex,…`: each a service identity knows (SERVICE_SCOPES) but itself, once, with a 64-digit hex digest. */
function parseServiceCredentials(raw: string): ReadonlyMap<string, string> {
  const credentials = new Map<string, string>();
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries.filter(Boolean)) {
    const [name = '', hash = ''] = entry.split('=');
    if (name === 'identity') throw new ConfigError('SERVICE_CREDENTIALS', 'identity signs its own service tokens and takes no credential');
    if (!Object.hasOwn(SERVICE_SCOPES, name))
      throw new ConfigError('SERVICE_CREDENTIALS', `unknown service "${name}" (known: ${Object.keys(SERVICE_SCOPES).join(', ')})`);
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new ConfigError('SERVICE_CREDENTIALS', `${name}: the credential must be the SHA-256 of its secret, 64 hex digits`);
    if (credentials.has(name)) throw new ConfigError('SERVICE_CREDENTIALS', `${name} is listed twice`);
    credentials.set(name, hash);
  }
  if (credentials.size === 0) throw new ConfigError('SERVICE_CREDENTIALS', 'must list at least one service (name=sha256hex)');
  return credentials;
}
