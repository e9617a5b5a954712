import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  EnvReader,
  GATEWAY_OPERATION_LIMITS,
  parseTrustedProxies,
  readMetricsAccess,
  type Env,
  type MetricsAccess,
  type OperationLimits,
} from '@platform/kernel';
import { readApiKeyConfig, type ApiKeyConfig } from './api-keys/config.ts';
import { readRateLimitConfig, type RateLimitConfig } from './rate-limit/config.ts';

export type NodeEnv = 'development' | 'production' | 'test';

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the supergraph SDL file the gateway serves (and watches). */
  readonly supergraphPath: string;
  readonly jwksUrl: string;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Per subgraph request, connection to last byte. */
  readonly subgraphTimeoutMs: number;
  readonly bodyLimitBytes: number;
  /** Events queued per subscription for a slow client before the oldest are dropped (and counted). */
  readonly subscriptionBufferSize: number;
  readonly nodeEnv: NodeEnv;
  /** Production posture (the default for a standalone gateway): no field suggestions, introspection for signed-in callers only. */
  readonly production: boolean;
  /** Depth, aliases, directives, tokens and cost every operation must stay within (MAX_QUERY_*). */
  readonly operationLimits: OperationLimits;
  /** Serve the GraphiQL explorer to browsers at GET /graphql (EXPLORER=on|off). */
  readonly explorer: boolean;
  /** A subgraph response larger than this is cut off and the operation refused (SUBGRAPH_RESPONSE_LIMIT_BYTES). */
  readonly subgraphResponseLimitBytes: number;
  /** Identical concurrent subgraph queries of one caller share one request (MERGE_SUBGRAPH_REQUESTS=on|off). */
  readonly mergeSubgraphRequests: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `SUBGRAPH_URL_<NAME>` overrides, keyed by `subgraphKey(name)`; they win over routing_url. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly apiKeys: ApiKeyConfig;
  readonly rateLimits: RateLimitConfig;
  /** Who may scrape /metrics (METRICS_TOKEN; not served in production without one). */
  readonly metrics: MetricsAccess;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_SUPERGRAPH_PATH = path.join(REPO_ROOT, 'schema', 'supergraph.graphql');
const URL_OVERRIDE_PREFIX = 'SUBGRAPH_URL_';

/** `identity` → `IDENTITY`, `vm-metrics` → `VM_METRICS`: how a subgraph name appears in an env variable. */
export function subgraphKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function readGatewayConfig(env: Env = process.env, argv: readonly string[] = process.argv.slice(2)): GatewayConfig {
  const r = new EnvReader(env);
  const args = parseArgs(argv);
  const supergraph = args.supergraph ?? r.optionalString('SUPERGRAPH_PATH');
  // A gateway started on its own is a production one; `npm start` (apps/platform) passes development.
  const nodeEnv = r.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'production');
  const subgraphUrls: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(URL_OVERRIDE_PREFIX) || env[name] === undefined || env[name] === '') continue;
    const subgraph = name.slice(URL_OVERRIDE_PREFIX.length);
    if (subgraph === '') throw new ConfigError(name, 'must name a subgraph, e.g. SUBGRAPH_URL_IDENTITY');
    subgraphUrls[subgraphKey(subgraph)] = httpUrl(r, name);
  }
  const jwksUrl = r.url('JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json');
  return Object.freeze({
    port: r.int('PORT', 4000, { min: 0, max: 65535 }),
    host: r.string('HOST', '127.0.0.1'),
    supergraphPath: supergraph === undefined ? DEFAULT_SUPERGRAPH_PATH : path.resolve(supergraph),
    jwksUrl,
    jwtIssuer: r.string('JWT_ISSUER', 'cloud-platform/identity'),
    jwtAudience: r.string('JWT_AUDIENCE', 'cloud-platform'),
    subgraphTimeoutMs: r.int('SUBGRAPH_TIMEOUT_MS', 10_000, { min: 1, max: 600_000 }),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1_000_000, { min: 1_024, max: 100_000_000 }),
    subscriptionBufferSize: r.int('SUBSCRIPTION_BUFFER_SIZE', 100, { min: 1, max: 100_000 }),
    nodeEnv,
    production: nodeEnv === 'production',
    operationLimits: Object.freeze({
      maxDepth: r.int('MAX_QUERY_DEPTH', GATEWAY_OPERATION_LIMITS.maxDepth, { min: 1, max: 1_000 }),
      maxAliases: r.int('MAX_QUERY_ALIASES', GATEWAY_OPERATION_LIMITS.maxAliases, { min: 0, max: 10_000 }),
      maxDirectives: r.int('MAX_QUERY_DIRECTIVES', GATEWAY_OPERATION_LIMITS.maxDirectives, { min: 0, max: 10_000 }),
      maxTokens: r.int('MAX_QUERY_TOKENS', GATEWAY_OPERATION_LIMITS.maxTokens, { min: 100, max: 1_000_000 }),
      maxCost: r.int('MAX_QUERY_COST', GATEWAY_OPERATION_LIMITS.maxCost, { min: 1, max: 100_000_000 }),
      defaultListSize: r.int('DEFAULT_LIST_SIZE', GATEWAY_OPERATION_LIMITS.defaultListSize, { min: 1, max: 10_000 }),
    }),
    explorer: r.oneOf('EXPLORER', ['on', 'off'], 'on') === 'on',
    mergeSubgraphRequests: r.oneOf('MERGE_SUBGRAPH_REQUESTS', ['on', 'off'], 'on') === 'on',
    subgraphResponseLimitBytes: r.int('SUBGRAPH_RESPONSE_LIMIT_BYTES', 4_000_000, { min: 1_024, max: 1_000_000_000 }),
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    subgraphUrls: Object.freeze(subgraphUrls),
    apiKeys: readApiKeyConfig(r, jwksUrl),
    // The gateway is the edge: by default no peer's x-forwarded-for is believed.
    rateLimits: readRateLimitConfig(r, parseTrustedProxies(env['TRUSTED_PROXY_ADDRESSES'], '')),
    metrics: readMetricsAccess(r, nodeEnv === 'production'),
  });
}

function httpUrl(r: EnvReader, name: string): string {
  const url = r.url(name);
  const protocol = new URL(url).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') throw new ConfigError(name, `must be an http(s) URL, got "${url}"`);
  return url;
}

/** The gateway's only flag: `--supergraph PATH` (or `--supergraph=PATH`). Anything else is a mistake worth stopping for. */
function parseArgs(argv: readonly string[]): { supergraph?: string } {
  let supergraph: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--supergraph') {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new ConfigError('--supergraph', 'needs a file path');
      supergraph = value;
    } else if (arg.startsWith('--supergraph=')) {
      const value = arg.slice('--supergraph='.length);
      if (value === '') throw new ConfigError('--supergraph', 'needs a file path');
      supergraph = value;
    } else {
      throw new ConfigError(arg, 'is not a gateway option (usage: --supergraph PATH)');
    }
  }
  return supergraph === undefined ? {} : { supergraph };
}
