import { MIN_METRICS_TOKEN_LENGTH, type MetricsAccess } from './observability/metrics-access.ts';

/**
 * Configuration is parsed once, at boot, into a frozen object. A missing or malformed
 * variable stops the process with a message naming it (DESIGN §7.2).
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  string(name: string, fallback?: string): string {
    const raw = this.env[name];
    if (raw === undefined || raw === '') {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(name, 'is required but not set');
    }
    return raw;
  }

  optionalString(name: string): string | undefined {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? undefined : raw;
  }

  int(name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
    const raw = this.optionalString(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  url(name: string, fallback?: string): string {
    const raw = this.string(name, fallback);
    try {
      new URL(raw);
    } catch {
      throw new ConfigError(name, `must be a URL, got "${raw}"`);
    }
    return raw;
  }

  optionalUrl(name: string): string | undefined {
    return this.optionalString(name) === undefined ? undefined : this.url(name);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optionalString(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  }
}

/** Settings every service shares. Service-specific configs extend this. */
export interface ServiceConfig {
  readonly serviceName: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly jwksUrl: string;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly production: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Who may scrape /metrics (METRICS_TOKEN; see metrics-route.ts). */
  readonly metrics: MetricsAccess;
}

export function readServiceConfig(serviceName: string, defaultPort: number, env: Env = process.env): ServiceConfig {
  const r = new EnvReader(env);
  // A service started on its own is a production one (DESIGN §3); `npm start` passes development.
  const production = r.oneOf('NODE_ENV', ['development', 'production', 'test'], 'production') === 'production';
  return Object.freeze({
    serviceName,
    port: r.int('PORT', defaultPort, { min: 0, max: 65535 }),
    host: r.string('HOST', '127.0.0.1'),
    databaseUrl: r.url('DATABASE_URL'),
    jwksUrl: r.url('JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
    jwtIssuer: r.string('JWT_ISSUER', 'cloud-platform/identity'),
    jwtAudience: r.string('JWT_AUDIENCE', 'cloud-platform'),
    production,
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    metrics: readMetricsAccess(r, production),
  });
}

/** METRICS_TOKEN: required to scrape /metrics when set; without it, production serves no /metrics (metrics-access.ts). */
export function readMetricsAccess(r: EnvReader, production: boolean): MetricsAccess {
  const token = r.optionalString('METRICS_TOKEN');
  if (token !== undefined && token.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new ConfigError('METRICS_TOKEN', `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }
  return Object.freeze({ token, served: token !== undefined || !production });
}
