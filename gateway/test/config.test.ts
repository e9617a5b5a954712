import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '@platform/kernel';
import { DEFAULT_SUPERGRAPH_PATH, readGatewayConfig, subgraphKey } from '../src/config.ts';

describe('readGatewayConfig', () => {
  test('defaults', () => {
    const config = readGatewayConfig({}, []);
    expect(config).toEqual({
      port: 4000,
      host: '127.0.0.1',
      supergraphPath: DEFAULT_SUPERGRAPH_PATH,
      jwksUrl: 'http://127.0.0.1:4001/.well-known/jwks.json',
      jwtIssuer: 'cloud-platform/identity',
      jwtAudience: 'cloud-platform',
      subgraphTimeoutMs: 10_000,
      bodyLimitBytes: 1_000_000,
      subscriptionBufferSize: 100,
      nodeEnv: 'production',
      production: true,
      operationLimits: { maxDepth: 12, maxAliases: 15, maxDirectives: 20, maxTokens: 3_000, maxCost: 10_000, defaultListSize: 20 },
      subgraphResponseLimitBytes: 4_000_000,
      explorer: true,
      mergeSubgraphRequests: true,
      logLevel: 'info',
      subgraphUrls: {},
      apiKeys: { exchangeUrl: 'http://127.0.0.1:4001/api-keys/token', cacheSeconds: 30 },
      rateLimits: {
        user: { perMinute: 600, burst: 200 },
        apiKey: { perMinute: 300, burst: 100 },
        anonymous: { perMinute: 120, burst: 60 },
        redisUrl: null,
        redisPrefix: 'gateway:rate:',
        trustedProxies: [],
      },
      // A production gateway without METRICS_TOKEN serves no /metrics.
      metrics: { token: undefined, served: false },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(DEFAULT_SUPERGRAPH_PATH).toBe(path.resolve(import.meta.dirname, '..', '..', 'schema', 'supergraph.graphql'));
  });

  test('reads every variable', () => {
    const config = readGatewayConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        SUPERGRAPH_PATH: '/etc/platform/supergraph.graphql',
        JWKS_URL: 'https://id.example.com/jwks.json',
        JWT_ISSUER: 'iss',
        JWT_AUDIENCE: 'aud',
        SUBGRAPH_TIMEOUT_MS: '2500',
        BODY_LIMIT_BYTES: '65536',
        SUBSCRIPTION_BUFFER_SIZE: '5',
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        MAX_QUERY_DEPTH: '8',
        MAX_QUERY_ALIASES: '3',
        MAX_QUERY_DIRECTIVES: '4',
        MAX_QUERY_TOKENS: '500',
        MAX_QUERY_COST: '2000',
        DEFAULT_LIST_SIZE: '10',
        SUBGRAPH_RESPONSE_LIMIT_BYTES: '100000',
        EXPLORER: 'off',
        MERGE_SUBGRAPH_REQUESTS: 'off',
        SUBGRAPH_URL_IDENTITY: 'http://identity.internal:4001/graphql',
        SUBGRAPH_URL_VM_METRICS: 'https://metrics.internal/graphql',
        API_KEY_EXCHANGE_URL: 'https://id.internal/api-keys/token',
        API_KEY_CACHE_SECONDS: '5',
        RATE_LIMIT_USER_PER_MINUTE: '100',
        RATE_LIMIT_USER_BURST: '10',
        RATE_LIMIT_API_KEY_PER_MINUTE: '50',
        RATE_LIMIT_API_KEY_BURST: '5',
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
        RATE_LIMIT_ANONYMOUS_BURST: '1',
        REDIS_URL: 'redis://redis.internal:6379',
        RATE_LIMIT_REDIS_PREFIX: 'gw:',
        TRUSTED_PROXY_ADDRESSES: '10.0.0.1, 10.0.0.2',
        METRICS_TOKEN: 'scrape-token-0123456789',
      },
      [],
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      supergraphPath: '/etc/platform/supergraph.graphql',
      jwksUrl: 'https://id.example.com/jwks.json',
      jwtIssuer: 'iss',
      jwtAudience: 'aud',
      subgraphTimeoutMs: 2500,
      bodyLimitBytes: 65536,
      subscriptionBufferSize: 5,
      nodeEnv: 'development',
      production: false,
      operationLimits: { maxDepth: 8, maxAliases: 3, maxDirectives: 4, maxTokens: 500, maxCost: 2000, defaultListSize: 10 },
      subgraphResponseLimitBytes: 100_000,
      explorer: false,
      mergeSubgraphRequests: false,
      logLevel: 'warn',
      subgraphUrls: { IDENTITY: 'http://identity.internal:4001/graphql', VM_METRICS: 'https://metrics.internal/graphql' },
      apiKeys: { exchangeUrl: 'https://id.internal/api-keys/token', cacheSeconds: 5 },
      metrics: { token: 'scrape-token-0123456789', served: true },
      rateLimits: {
        user: { perMinute: 100, burst: 10 },
        apiKey: { perMinute: 50, burst: 5 },
        anonymous: { perMinute: 0, burst: 1 },
        redisUrl: 'redis://redis.internal:6379',
        redisPrefix: 'gw:',
        trustedProxies: ['10.0.0.1', '10.0.0.2'],
      },
    });
  });

  test('the API-key exchange defaults to identity beside the JWKS; a cache longer than a minute is refused', () => {
    expect(readGatewayConfig({ JWKS_URL: 'https://id.example.com/.well-known/jwks.json' }, []).apiKeys.exchangeUrl).toBe(
      'https://id.example.com/api-keys/token',
    );
    expect(() => readGatewayConfig({ API_KEY_CACHE_SECONDS: '61' }, [])).toThrow(/API_KEY_CACHE_SECONDS/);
    expect(() => readGatewayConfig({ RATE_LIMIT_USER_BURST: '0' }, [])).toThrow(/RATE_LIMIT_USER_BURST/);
  });

  test('--supergraph wins over SUPERGRAPH_PATH; relative paths resolve from the working directory', () => {
    const env = { SUPERGRAPH_PATH: '/from/env.graphql' };
    expect(readGatewayConfig(env, ['--supergraph', 'custom/sg.graphql']).supergraphPath).toBe(path.resolve('custom/sg.graphql'));
    expect(readGatewayConfig(env, ['--supergraph=/abs/sg.graphql']).supergraphPath).toBe('/abs/sg.graphql');
    expect(readGatewayConfig(env, []).supergraphPath).toBe('/from/env.graphql');
  });

  test('subgraph names map onto variable names the same way whatever their spelling', () => {
    expect(subgraphKey('identity')).toBe('IDENTITY');
    expect(subgraphKey('vm-metrics')).toBe('VM_METRICS');
    expect(subgraphKey('Vm_Metrics')).toBe('VM_METRICS');
  });

  test.each([
    [{ PORT: 'eighty' }, [], 'PORT'],
    [{ PORT: '70000' }, [], 'PORT'],
    [{ JWKS_URL: 'not a url' }, [], 'JWKS_URL'],
    [{ SUBGRAPH_TIMEOUT_MS: '0' }, [], 'SUBGRAPH_TIMEOUT_MS'],
    [{ SUBGRAPH_TIMEOUT_MS: '1.5' }, [], 'SUBGRAPH_TIMEOUT_MS'],
    [{ BODY_LIMIT_BYTES: '-1' }, [], 'BODY_LIMIT_BYTES'],
    [{ SUBSCRIPTION_BUFFER_SIZE: '0' }, [], 'SUBSCRIPTION_BUFFER_SIZE'],
    [{ NODE_ENV: 'staging' }, [], 'NODE_ENV'],
    [{ MAX_QUERY_DEPTH: '0' }, [], 'MAX_QUERY_DEPTH'],
    [{ MAX_QUERY_COST: 'lots' }, [], 'MAX_QUERY_COST'],
    [{ MAX_QUERY_TOKENS: '10' }, [], 'MAX_QUERY_TOKENS'],
    [{ SUBGRAPH_RESPONSE_LIMIT_BYTES: '100' }, [], 'SUBGRAPH_RESPONSE_LIMIT_BYTES'],
    [{ MERGE_SUBGRAPH_REQUESTS: 'yes' }, [], 'MERGE_SUBGRAPH_REQUESTS'],
    [{ SUBGRAPH_URL_WALLET: 'wallet:4003' }, [], 'SUBGRAPH_URL_WALLET'],
    [{ SUBGRAPH_URL_WALLET: 'ftp://wallet/graphql' }, [], 'SUBGRAPH_URL_WALLET'],
    [{ SUBGRAPH_URL_: 'http://x/graphql' }, [], 'SUBGRAPH_URL_'],
    [{}, ['--supergraph'], '--supergraph'],
    [{}, ['--supergraph='], '--supergraph'],
    [{}, ['--port', '3'], '--port'],
  ] as const)('%j %j fails naming %s', (env, argv, variable) => {
    let caught: unknown;
    try {
      readGatewayConfig(env, argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
  });
});
