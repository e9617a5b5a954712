import { randomBytes } from 'node:crypto';
import { createGateway, readGatewayConfig, type Gateway } from '@platform/gateway';
import { createIdentitySubgraph, readIdentityConfig } from '@platform/identity';
import {
  createTokenVerifier,
  InMemoryEventBus,
  lazyRemoteJwks,
  remoteServiceTokens,
  serviceCredentialsEnv,
  type EventBus,
  type HttpRoute,
  type LiveChannel,
  type Logger,
  type RunningServer,
  type ServiceTokenSource,
} from '@platform/kernel';
import { createBillingSubgraph, readBillingConfig, type BillingOptions } from '@platform/billing';
import { createCatalogSubgraph, readCatalogConfig } from '@platform/catalog';
import { createTenancySubgraph, readTenancyConfig } from '@platform/tenancy';
import { createVmsSubgraph, readVmsConfig, type VmsOptions } from '@platform/vms';
import { createWalletSubgraph, readWalletConfig } from '@platform/wallet';

export const SUBGRAPHS = ['identity', 'tenancy', 'wallet', 'catalog', 'vms', 'billing'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];
/** The services that ask identity for service tokens (identity signs its own), each with its own credential. */
export const CALLING_SERVICES = ['tenancy', 'wallet', 'catalog', 'vms', 'billing', 'collector'] as const;
export type CallingService = (typeof CALLING_SERVICES)[number];

export interface PlatformOptions {
  /** One database per subgraph. */
  readonly databaseUrls: Readonly<Record<SubgraphName, string>>;
  /** Fixed ports (npm start) or 0 for any free port (tests, benchmarks). */
  readonly ports?: Partial<Record<SubgraphName | 'gateway', number>>;
  readonly host?: string;
  readonly logger: Logger;
  /**
   * Each service's own secret, presented to identity for service tokens (identity is given only their
   * SHA-256). Generated per service when absent (npm start, tests).
   */
  readonly serviceSecrets?: Readonly<Partial<Record<CallingService, string>>>;
  /** Seals identity's private signing keys (32 bytes, base64); generated when absent (keys then die with the process). */
  readonly keyEncryptionKey?: string;
  /** Extra gateway env (e.g. RATE_LIMIT_USER_PER_MINUTE, API_KEY_CACHE_SECONDS, REDIS_URL). */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** Pages the gateway serves beside /graphql (the dashboard's routes). */
  readonly gatewayRoutes?: readonly HttpRoute[];
  /** Extra identity env (e.g. LOGIN_MAX_FAILURES, PASSWORD_HASH_QUEUE). */
  readonly identityEnv?: Readonly<Record<string, string>>;
  /** Lower in tests only; the default is OWASP's 2^17. */
  readonly scryptLog2N?: number;
  readonly supergraphPath?: string;
  readonly nodeEnv?: 'development' | 'production' | 'test';
  readonly subgraphTimeoutMs?: number;
  /** Sees every SQL statement of a subgraph (statement counting). */
  readonly onQuery?: Partial<Record<SubgraphName, (sql: string) => void>>;
  readonly eventBus?: EventBus;
  /** Live fan-out for subscriptions (a RedisLiveChannel across replicas); the vms subgraph keeps its own in-process one when absent. */
  readonly liveChannel?: LiveChannel;
  /** vms: extra env (e.g. VMS_BUILD_DELAY_MS) and options (a deterministic compute provider in tests). */
  readonly vms?: { readonly env?: Readonly<Record<string, string>>; readonly options?: VmsOptions };
  /** The payment provider's webhook signing secret (PAYMENT_WEBHOOK_SECRET); generated when absent. */
  readonly paymentWebhookSecret?: string;
  /** billing: extra env (e.g. PAYMENT_SIMULATOR_DELAY_MS) and options (a test clock, a provider in tests). */
  readonly billing?: { readonly env?: Readonly<Record<string, string>>; readonly options?: BillingOptions };
}

export interface Platform {
  readonly gatewayUrl: string;
  /** The gateway itself (its live subscription counts, for tests and benchmarks). */
  readonly gatewayService: Gateway;
  readonly urls: Readonly<Record<SubgraphName, string>>;
  readonly identity: ReturnType<typeof createIdentitySubgraph>;
  readonly tenancy: ReturnType<typeof createTenancySubgraph>;
  readonly wallet: ReturnType<typeof createWalletSubgraph>;
  readonly catalog: ReturnType<typeof createCatalogSubgraph>;
  readonly vms: ReturnType<typeof createVmsSubgraph>;
  readonly billing: ReturnType<typeof createBillingSubgraph>;
  readonly eventBus: EventBus;
  /** Where telemetry collectors POST OTLP/HTTP metrics (vms `/v1/metrics`). */
  readonly telemetryUrl: string;
  /** Service tokens of the `collector` credential (scope telemetry:write): the telemetry simulator's. */
  readonly collectorTokens: ServiceTokenSource;
  /** Each calling service's secret (what it presents to identity's /internal/service-token). */
  readonly serviceSecrets: Readonly<Record<CallingService, string>>;
  /** What the payment provider signs billing's webhooks with. */
  readonly paymentWebhookSecret: string;
  stop(): Promise<void>;
}

/**
 * The embedded composition root: every subgraph and the gateway in one process, each on its own
 * port and database, talking over real HTTP exactly as separate processes would. Identity starts
 * first (its JWKS is what everyone verifies with). Start order does not matter to events: the bus
 * keeps history for consumers that register later.
 * In-process subgraphs share tenancy's cached org directory instead of asking it over HTTP.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { logger } = options;
  const host = options.host ?? '127.0.0.1';
  const port = (name: SubgraphName | 'gateway') => String(options.ports?.[name] ?? 0);
  const nodeEnv = options.nodeEnv ?? 'development';
  const eventBus = options.eventBus ?? new InMemoryEventBus();
  const serviceSecrets = Object.fromEntries(
    CALLING_SERVICES.map((name) => [name, options.serviceSecrets?.[name] ?? randomBytes(32).toString('base64url')]),
  ) as Record<CallingService, string>;
  const paymentWebhookSecret = options.paymentWebhookSecret ?? randomBytes(32).toString('base64url');
  const common = (name: SubgraphName) => ({ DATABASE_URL: options.databaseUrls[name], PORT: port(name), HOST: host, NODE_ENV: nodeEnv });
  const started: { stop(): Promise<void>; stopBackground?(): Promise<void> }[] = [];
  // A bus made here is closed last (stopAll goes in reverse); one passed in belongs to the caller.
  if (!options.eventBus) started.push({ stop: () => eventBus.close() });
  // Background work of every subgraph first (relays, sweepers, consumers), so none of it polls a
  // database that is going away while the others stop; then each part in reverse order.
  const stopAll = async () => {
    await Promise.all(started.map((service) => service.stopBackground?.().catch((error) => logger.error('stop failed', { error }))));
    for (const service of started.reverse()) await service.stop().catch((error) => logger.error('stop failed', { error }));
  };

  try {
    let tenancyUrl = '';
    const identity = createIdentitySubgraph(
      readIdentityConfig({
        ...common('identity'),
        SERVICE_CREDENTIALS: serviceCredentialsEnv(serviceSecrets),
        PASSWORD_SCRYPT_LOG2N: options.scryptLog2N === undefined ? undefined : String(options.scryptLog2N),
        KEY_ENCRYPTION_KEY: options.keyEncryptionKey ?? randomBytes(32).toString('base64'),
        ...options.identityEnv,
      }),
      { logger: logger.child({ service: 'identity' }), eventBus, onQuery: options.onQuery?.identity, tenancyUrl: () => tenancyUrl },
    );
    const identityServer = await identity.start();
    started.push(identity);
    const jwksUrl = `${identityServer.baseUrl}/.well-known/jwks.json`;
    const verifier = () => createTokenVerifier({ keys: lazyRemoteJwks(() => jwksUrl), issuer: 'cloud-platform/identity', audience: 'cloud-platform' });

    const tenancy = createTenancySubgraph(readTenancyConfig({ ...common('tenancy'), JWKS_URL: jwksUrl }), {
      logger: logger.child({ service: 'tenancy' }),
      verifyToken: verifier(),
      eventBus,
      onQuery: options.onQuery?.tenancy,
      serviceTokens: async () => {
        throw new Error('tenancy calls no other subgraph');
      },
    });
    const tenancyServer = await tenancy.start();
    started.push(tenancy);
    tenancyUrl = tenancyServer.url;
    const depsFor = (name: Exclude<CallingService, 'collector'>, scopes: string[]) => ({
      logger: logger.child({ service: name }),
      verifyToken: verifier(),
      orgDirectory: tenancy.orgDirectory,
      eventBus,
      onQuery: options.onQuery?.[name],
      serviceTokens: remoteServiceTokens({ identityUrl: identityServer.baseUrl, service: name, secret: serviceSecrets[name], scopes }),
    });

    const wallet = createWalletSubgraph(readWalletConfig({ ...common('wallet'), JWKS_URL: jwksUrl }), depsFor('wallet', ['tenancy:read']));
    const walletServer = await wallet.start();
    started.push(wallet);

    const catalog = createCatalogSubgraph(readCatalogConfig({ ...common('catalog'), JWKS_URL: jwksUrl }), depsFor('catalog', ['tenancy:read']));
    const catalogServer = await catalog.start();
    started.push(catalog);

    const vms = createVmsSubgraph(
      readVmsConfig({ ...common('vms'), JWKS_URL: jwksUrl, CATALOG_URL: catalogServer.url, WALLET_URL: walletServer.url, ...options.vms?.env }),
      { ...depsFor('vms', ['tenancy:read', 'catalog:price', 'wallet:hold']), liveChannel: options.liveChannel },
      options.vms?.options,
    );
    const vmsServer = await vms.start();
    started.push(vms);

    let gatewayBaseUrl: string | undefined = undefined; // set once the gateway listens
    const billing = createBillingSubgraph(
      readBillingConfig({
        ...common('billing'),
        JWKS_URL: jwksUrl,
        CATALOG_URL: catalogServer.url,
        WALLET_URL: walletServer.url,
        VMS_URL: vmsServer.url,
        TENANCY_URL: tenancyServer.url,
        PAYMENT_WEBHOOK_SECRET: paymentWebhookSecret,
        ...options.billing?.env,
      }),
      depsFor('billing', ['tenancy:read', 'catalog:price', 'wallet:debit', 'wallet:credit', 'wallet:commission', 'vms:read', 'tenancy:write']),
      // Invoices are downloaded through the gateway's /invoice, on the origin clients already use.
      { publicUrl: () => gatewayBaseUrl, ...options.billing?.options },
    );
    const billingServer = await billing.start();
    started.push(billing);

    const urls: Record<SubgraphName, string> = {
      identity: identityServer.url,
      tenancy: tenancyServer.url,
      wallet: walletServer.url,
      catalog: catalogServer.url,
      vms: vmsServer.url,
      billing: billingServer.url,
    };
    const gateway = createGateway(
      readGatewayConfig(
        {
          PORT: port('gateway'),
          HOST: host,
          JWKS_URL: jwksUrl,
          NODE_ENV: nodeEnv,
          SUBGRAPH_TIMEOUT_MS: options.subgraphTimeoutMs === undefined ? undefined : String(options.subgraphTimeoutMs),
          ...(options.supergraphPath ? { SUPERGRAPH_PATH: options.supergraphPath } : {}),
          ...options.gatewayEnv,
        },
        [],
      ),
      { logger, serviceUrls: urls, routes: options.gatewayRoutes },
    );
    const gatewayServer: RunningServer = await gateway.start();
    gatewayBaseUrl = gatewayServer.baseUrl;
    started.push(gateway);

    const collectorTokens = remoteServiceTokens({
      identityUrl: identityServer.baseUrl,
      service: 'collector',
      secret: serviceSecrets.collector,
      scopes: ['telemetry:write'],
    });
    return {
      gatewayUrl: gatewayServer.url,
      gatewayService: gateway,
      urls,
      identity,
      tenancy,
      wallet,
      catalog,
      vms,
      billing,
      eventBus,
      serviceSecrets,
      paymentWebhookSecret,
      telemetryUrl: `${vmsServer.baseUrl}/v1/metrics`,
      collectorTokens,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
