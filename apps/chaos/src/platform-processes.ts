import path from 'node:path';
import { serviceCredentialsEnv } from '@platform/kernel';
import { freePort } from '@platform/kernel/testing';
import { ServiceProcess, SUBGRAPHS, type ClusterSecrets, type ServiceName, type SubgraphName } from '@platform/platform';

/** Timings the faults rely on: short, so a run takes minutes, not hours. */
export const CHAOS_TIMINGS = {
  // The default; shorter cut-offs time out healthy subgraphs on a shared, overloaded 2-core machine.
  subgraphTimeoutMs: 10_000,
  sagaStaleMs: 5_000,
  sagaRecoveryMs: 2_000,
  buildDelayMs: 1_000,
  eventRetryDelayMs: 1_000,
} as const;

export interface ProcessPlatform {
  readonly services: Readonly<Record<ServiceName, ServiceProcess>>;
  readonly gatewayUrl: string;
  readonly wsUrl: string;
  readonly identityUrl: string;
  readonly telemetryUrl: string;
  /** Starts every service in dependency order (identity first: its JWKS is what the others verify with). */
  start(): Promise<void>;
  /** Exits nobody asked for, across every service. */
  crashes(): string[];
  stop(): Promise<void>;
}

/** The platform in configured mode: one OS process per service, each with its own env, as a deployment runs it. */
export async function processPlatform(options: {
  readonly databaseUrl: (name: SubgraphName) => string;
  readonly redisUrl: string;
  readonly secrets: ClusterSecrets;
  readonly logDir: string;
}): Promise<ProcessPlatform> {
  const ports = {} as Record<ServiceName, number>;
  for (const name of [...SUBGRAPHS, 'gateway'] as const) ports[name] = await freePort();
  const base = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  const graphql = (name: SubgraphName) => `${base(name)}/graphql`;
  const { secrets } = options;
  const shared = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: options.redisUrl,
    JWKS_URL: `${base('identity')}/.well-known/jwks.json`,
    IDENTITY_URL: base('identity'),
    TENANCY_URL: graphql('tenancy'),
    CATALOG_URL: graphql('catalog'),
    WALLET_URL: graphql('wallet'),
    VMS_URL: graphql('vms'),
    EVENT_RETRY_DELAY_MS: String(CHAOS_TIMINGS.eventRetryDelayMs),
  };
  const subgraphEnv = (name: SubgraphName): Record<string, string> => ({
    ...shared,
    DATABASE_URL: options.databaseUrl(name),
    ...(name === 'identity' || name === 'tenancy' ? {} : { SERVICE_SECRET: secrets.serviceSecrets[name] }),
  });
  const extra: Record<ServiceName, Record<string, string>> = {
    identity: {
      SERVICE_CREDENTIALS: serviceCredentialsEnv(secrets.serviceSecrets),
      KEY_ENCRYPTION_KEY: secrets.keyEncryptionKey,
      PASSWORD_SCRYPT_LOG2N: '14',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
    },
    tenancy: {},
    wallet: {},
    catalog: {},
    vms: {
      VMS_BUILD_DELAY_MS: String(CHAOS_TIMINGS.buildDelayMs),
      VMS_BUILD_FAILURE_PERCENT: '10',
      VMS_SAGA_STALE_MS: String(CHAOS_TIMINGS.sagaStaleMs),
      VMS_SAGA_RECOVERY_MS: String(CHAOS_TIMINGS.sagaRecoveryMs),
    },
    billing: { PAYMENT_WEBHOOK_SECRET: secrets.paymentWebhookSecret },
    gateway: {
      ...shared,
      SUBGRAPH_TIMEOUT_MS: String(CHAOS_TIMINGS.subgraphTimeoutMs),
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_USER_BURST: '10000',
      EXPLORER: 'off',
      ...Object.fromEntries(SUBGRAPHS.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, graphql(name)])),
    },
  };
  const spec = (name: ServiceName) =>
    new ServiceProcess({
      service: name,
      name,
      host: '127.0.0.1',
      env: name === 'gateway' ? extra.gateway : { ...subgraphEnv(name), ...extra[name] },
      port: ports[name],
      logFile: path.join(options.logDir, `${name}.log`),
      readyTimeoutMs: 240_000,
    });
  const services = Object.fromEntries([...SUBGRAPHS, 'gateway'].map((name) => [name, spec(name as ServiceName)])) as Record<ServiceName, ServiceProcess>;
  const all = Object.values(services);

  return {
    services,
    gatewayUrl: `${base('gateway')}/graphql`,
    wsUrl: `ws://127.0.0.1:${ports.gateway}/graphql`,
    identityUrl: base('identity'),
    telemetryUrl: `${base('vms')}/v1/metrics`,
    async start() {
      await services.identity.start();
      // The others reach each other lazily (per request), so they boot together: minutes saved on a busy machine.
      await Promise.all(SUBGRAPHS.filter((name) => name !== 'identity').map((name) => services[name].start()));
      await services.gateway.start();
    },
    crashes: () => all.flatMap((s) => s.crashes),
    async stop() {
      await services.gateway.close();
      await Promise.all(all.filter((s) => s.name !== 'gateway').map((s) => s.close()));
    },
  };
}
