import { createLogger, serviceCredentialsEnv } from '@platform/kernel';
import { freePort } from '@platform/kernel/testing';
import { seedDemo } from '../seed-demo.ts';
import { startPlatform, SUBGRAPHS, type SubgraphName } from '../start-platform.ts';
import type { ClusterSecrets } from './cluster-secrets.ts';
import { startNginx, type LoadBalancer } from './load-balancer.ts';
import { ServiceProcess, type ServiceName } from './service-processes.ts';

export const SERVICES: readonly ServiceName[] = [...SUBGRAPHS, 'gateway'];

export interface ClusterOptions {
  /** One database per subgraph (created, empty or not; each replica migrates it, which is safe concurrently). */
  readonly databaseUrls: Readonly<Record<SubgraphName, string>>;
  readonly secrets: ClusterSecrets;
  /** Shared by every replica: event bus (Streams), live fan-out (pub/sub), gateway rate limits. */
  readonly redisUrl: string;
  /** Keeps this cluster's Redis keys and channels apart from any other platform's on the same Redis. */
  readonly redisKeyPrefix: string;
  /** Where the load balancer's configuration and temporary files go. */
  readonly dir: string;
  /** Replicas per service; 1 when not named. */
  readonly replicas?: Partial<Record<ServiceName, number>>;
  readonly host?: string;
  /** The load balancer's port for the gateway; any free port when absent. Subgraphs get free ports. */
  readonly gatewayPort?: number;
  /** Extra environment per service (e.g. vms: VMS_BUILD_DELAY_MS). */
  readonly env?: Partial<Record<ServiceName, Readonly<Record<string, string>>>>;
  /** Services' LOG_LEVEL; default `info`. */
  readonly logLevel?: string;
  readonly nodeEnv?: 'development' | 'production' | 'test';
  /** Load the demo dataset first (in this process, through each subgraph's API, as `npm start` does); default true. */
  readonly seed?: boolean;
  /** identity's password hashing cost for the seed and the services (tests: 14). */
  readonly scryptLog2N?: number;
  readonly onLine?: (name: string, line: string) => void;
  /** How long each replica may take to answer /ready (ServiceProcess's default when absent). */
  readonly readyTimeoutMs?: number;
}

export interface Cluster {
  /** The load balancer's gateway endpoint (HTTP and WebSocket): `http://host:port/graphql`. */
  readonly gatewayUrl: string;
  /** Each service's base URL at the load balancer (what the others call it by). */
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** Every replica, by service: kill, signal, stop, restart them one by one. */
  readonly replicas: Readonly<Record<ServiceName, readonly ServiceProcess[]>>;
  readonly loadBalancer: LoadBalancer;
  stop(): Promise<void>;
}

const graphql = (base: string) => `${base}/graphql`;

/**
 * The deployed shape on one machine: every service as its own processes (configured mode, src/main.ts),
 * any number of replicas each, over one PostgreSQL and one Redis, behind nginx. Services reach each
 * other through the load balancer, as they would through a Kubernetes Service. Identity starts first
 * (its JWKS is what everyone verifies with), then the other subgraphs together, then the gateways.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const host = options.host ?? '127.0.0.1';
  const { secrets } = options;
  if (options.seed ?? true) await seed(options);

  const replicaCount = (service: ServiceName) => Math.max(1, options.replicas?.[service] ?? 1);
  const listenPorts = {} as Record<ServiceName, number>;
  const replicaPorts = {} as Record<ServiceName, number[]>;
  for (const service of SERVICES) {
    listenPorts[service] = service === 'gateway' && options.gatewayPort ? options.gatewayPort : await freePort();
    replicaPorts[service] = [];
    for (let i = 0; i < replicaCount(service); i++) replicaPorts[service].push(await freePort());
  }
  const urls = Object.fromEntries(SERVICES.map((s) => [s, `http://${host}:${listenPorts[s]}`])) as Record<ServiceName, string>;
  const loadBalancer = await startNginx({
    dir: options.dir,
    host,
    upstreams: SERVICES.map((service) => ({
      name: service,
      listenPort: listenPorts[service],
      servers: replicaPorts[service].map((port) => `${host}:${port}`),
      edge: service === 'gateway',
    })),
  });

  const envFor = (service: ServiceName): Record<string, string> => {
    const common = {
      NODE_ENV: options.nodeEnv ?? 'production',
      LOG_LEVEL: options.logLevel ?? 'info',
      REDIS_URL: options.redisUrl,
      REDIS_KEY_PREFIX: options.redisKeyPrefix,
      JWKS_URL: `${urls.identity}/.well-known/jwks.json`,
      IDENTITY_URL: urls.identity,
      TENANCY_URL: graphql(urls.tenancy),
    };
    const own: Record<ServiceName, Record<string, string>> = {
      identity: {
        SERVICE_CREDENTIALS: serviceCredentialsEnv(secrets.serviceSecrets),
        KEY_ENCRYPTION_KEY: secrets.keyEncryptionKey,
        ...(options.scryptLog2N ? { PASSWORD_SCRYPT_LOG2N: String(options.scryptLog2N) } : {}),
      },
      tenancy: {},
      wallet: {},
      catalog: {},
      vms: { CATALOG_URL: graphql(urls.catalog), WALLET_URL: graphql(urls.wallet) },
      billing: {
        CATALOG_URL: graphql(urls.catalog),
        WALLET_URL: graphql(urls.wallet),
        VMS_URL: graphql(urls.vms),
        PAYMENT_WEBHOOK_SECRET: secrets.paymentWebhookSecret,
        BILLING_PUBLIC_URL: urls.billing,
      },
      gateway: {
        ...Object.fromEntries(SUBGRAPHS.map((s) => [`SUBGRAPH_URL_${s.toUpperCase()}`, graphql(urls[s])])),
        RATE_LIMIT_REDIS_PREFIX: `${options.redisKeyPrefix}:gateway:rate:`,
        TRUSTED_PROXY_ADDRESSES: host, // the load balancer: its X-Forwarded-For names the client
      },
    };
    const database: Record<string, string> = service === 'gateway' ? {} : { DATABASE_URL: options.databaseUrls[service] };
    const secret: Record<string, string> = service !== 'gateway' && service !== 'identity' ? { SERVICE_SECRET: secrets.serviceSecrets[service] } : {};
    return { ...common, ...database, ...secret, ...own[service], ...options.env?.[service] };
  };

  const replicas = Object.fromEntries(
    SERVICES.map((service) => [
      service,
      replicaPorts[service].map(
        (port, i) =>
          new ServiceProcess({
            service,
            name: `${service}-${i + 1}`,
            host,
            port,
            env: envFor(service),
            onLine: options.onLine,
            readyTimeoutMs: options.readyTimeoutMs,
          }),
      ),
    ]),
  ) as Record<ServiceName, ServiceProcess[]>;
  const all = SERVICES.flatMap((service) => replicas[service]);
  const stop = async () => {
    await Promise.all(all.map((replica) => replica.stop()));
    await loadBalancer.stop();
  };
  try {
    const startAll = (services: readonly ServiceName[]) => Promise.all(services.flatMap((s) => replicas[s].map((replica) => replica.start())));
    await startAll(['identity']);
    await startAll(SUBGRAPHS.filter((s) => s !== 'identity'));
    await startAll(['gateway']);
  } catch (error) {
    await stop();
    throw error;
  }
  return { gatewayUrl: graphql(urls.gateway), urls, replicas, loadBalancer, stop };
}

/** The demo dataset, loaded by the embedded platform in this process on the cluster's databases, then stopped. */
async function seed(options: ClusterOptions): Promise<void> {
  const platform = await startPlatform({
    databaseUrls: options.databaseUrls,
    logger: createLogger({ service: 'cluster-seed' }, 'error'),
    serviceSecrets: options.secrets.serviceSecrets,
    keyEncryptionKey: options.secrets.keyEncryptionKey,
    paymentWebhookSecret: options.secrets.paymentWebhookSecret,
    scryptLog2N: options.scryptLog2N,
    nodeEnv: 'test',
  });
  try {
    await seedDemo(platform);
  } finally {
    await platform.stop();
  }
}
