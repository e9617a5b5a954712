/**
 * `npx tsx scripts/k8s-manifests.ts`: writes deploy/k8s/platform.yaml, the Kubernetes manifests of
 * the platform (one Deployment and Service per service, probes, resources, config from a ConfigMap
 * and the platform-secrets Secret, autoscalers for the gateway and vms). `--check` fails when the
 * committed file differs from what this script writes. The services are described once, below;
 * everything repeated per service is derived from that table.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { serviceSecretVariable } from './deploy-secrets.ts';

export const NAMESPACE = 'cloud-platform';
export const MANIFEST_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'deploy', 'k8s', 'platform.yaml');

interface ServiceSpec {
  readonly port: number;
  readonly replicas: number;
  /** CPU/memory requests and limits: requests are what the autoscaler's utilisation is measured against. */
  readonly resources: { readonly cpu: string; readonly memory: string; readonly cpuLimit: string; readonly memoryLimit: string };
  /** Its own database (platform_<name>). */
  readonly database: boolean;
  /** Env from platform-secrets: variable in the container → key in the Secret. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** min/max replicas of a HorizontalPodAutoscaler on CPU. */
  readonly autoscale?: { readonly min: number; readonly max: number };
}

/** The private ranges, where pod networks live: narrow it to the cluster's pod CIDR. */
const POD_NETWORK = '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16';
const small = { cpu: '100m', memory: '256Mi', cpuLimit: '1', memoryLimit: '512Mi' };
const serviceSecret = (name: string) => ({ SERVICE_SECRET: serviceSecretVariable(name) });

export const SERVICES: Readonly<Record<string, ServiceSpec>> = {
  gateway: {
    port: 4000,
    replicas: 2,
    resources: { cpu: '250m', memory: '384Mi', cpuLimit: '2', memoryLimit: '768Mi' },
    database: false,
    secrets: {},
    env: {
      ...Object.fromEntries(
        ['identity', 'tenancy', 'wallet', 'catalog', 'vms', 'billing'].map((name, i) => [
          `SUBGRAPH_URL_${name.toUpperCase()}`,
          `http://${name}:${4001 + i}/graphql`,
        ]),
      ),
      // Clients arrive through the ingress controller, a pod: its x-forwarded-for names them.
      TRUSTED_PROXY_ADDRESSES: POD_NETWORK,
    },
    autoscale: { min: 2, max: 10 },
  },
  identity: {
    port: 4001,
    replicas: 2,
    // Password hashing (scrypt, N=2^17) is CPU- and memory-heavy.
    resources: { cpu: '250m', memory: '512Mi', cpuLimit: '2', memoryLimit: '1Gi' },
    database: true,
    secrets: { KEY_ENCRYPTION_KEY: 'KEY_ENCRYPTION_KEY', SERVICE_CREDENTIALS: 'SERVICE_CREDENTIALS' },
    // The gateway pods' addresses are not known ahead: trust the pod network. Identity must stay
    // unreachable from outside the cluster (it has no Ingress).
    env: { TRUSTED_PROXY_ADDRESSES: POD_NETWORK },
  },
  tenancy: { port: 4002, replicas: 2, resources: small, database: true, secrets: {} },
  wallet: { port: 4003, replicas: 2, resources: small, database: true, secrets: serviceSecret('wallet') },
  catalog: { port: 4004, replicas: 2, resources: small, database: true, secrets: serviceSecret('catalog') },
  vms: {
    port: 4005,
    replicas: 2,
    resources: { cpu: '250m', memory: '384Mi', cpuLimit: '2', memoryLimit: '768Mi' },
    database: true,
    secrets: serviceSecret('vms'),
    autoscale: { min: 2, max: 8 },
  },
  billing: {
    port: 4006,
    replicas: 2,
    resources: small,
    database: true,
    secrets: { ...serviceSecret('billing'), PAYMENT_WEBHOOK_SECRET: 'PAYMENT_WEBHOOK_SECRET' },
  },
};

type Manifest = Record<string, unknown>;
const labelsOf = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': NAMESPACE });
const metadata = (name: string) => ({ name, namespace: NAMESPACE, labels: labelsOf(name) });
const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: 'platform-secrets', key } } });

function deployment(name: string, spec: ServiceSpec): Manifest {
  const probe = (probePath: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path: probePath, port: 'http' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  const env = [
    { name: 'PORT', value: String(spec.port) },
    ...Object.entries(spec.env ?? {}).map(([key, value]) => ({ name: key, value })),
    ...Object.entries(spec.secrets).map(([variable, key]) => secretEnv(variable, key)),
    // Kubernetes expands $(VAR) from variables defined before it: the password never sits in the ConfigMap.
    ...(spec.database
      ? [
          secretEnv('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD'),
          { name: 'DATABASE_URL', value: `postgres://platform:$(POSTGRES_PASSWORD)@$(POSTGRES_HOST):5432/platform_${name}` },
        ]
      : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(name),
    spec: {
      ...(spec.autoscale ? {} : { replicas: spec.replicas }), // the autoscaler owns the count
      selector: { matchLabels: labelsOf(name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labelsOf(name) },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          terminationGracePeriodSeconds: 30, // stop() drains requests, tasks and the outbox relay on SIGTERM
          containers: [
            {
              name,
              image: `cloud-platform/${name}:latest`,
              ports: [{ name: 'http', containerPort: spec.port }],
              envFrom: [{ configMapRef: { name: 'platform-config' } }],
              env,
              // Migrations run at start: allow for them before liveness counts.
              startupProbe: probe('/health', 5, 24),
              livenessProbe: probe('/health', 10, 3),
              readinessProbe: probe('/ready', 5, 2),
              resources: {
                requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
                limits: { cpu: spec.resources.cpuLimit, memory: spec.resources.memoryLimit },
              },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              // tsx compiles into /tmp; the gateway bundles its explorer once into its cache.
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                ...(name === 'gateway' ? [{ name: 'explorer-cache', mountPath: '/app/gateway/.explorer-cache' }] : []),
              ],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }, ...(name === 'gateway' ? [{ name: 'explorer-cache', emptyDir: {} }] : [])],
        },
      },
    },
  };
}

function service(name: string, spec: ServiceSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(name),
    spec: { selector: labelsOf(name), ports: [{ name: 'http', port: spec.port, targetPort: 'http' }] },
  };
}

function autoscaler(name: string, scale: { min: number; max: number }): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(name),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: scale.min,
      maxReplicas: scale.max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      // Scale down slowly: subscriptions on a removed gateway replica must reconnect.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    },
  };
}

function disruptionBudget(name: string): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(name),
    spec: { minAvailable: 1, selector: { matchLabels: labelsOf(name) } },
  };
}

export function platformManifests(): Manifest[] {
  const config: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata('platform-config'),
    // Where PostgreSQL and Redis are (a managed service or your own chart); secrets live in platform-secrets.
    data: {
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      POSTGRES_HOST: 'postgres',
      REDIS_URL: 'redis://redis:6379',
      JWKS_URL: 'http://identity:4001/.well-known/jwks.json',
      IDENTITY_URL: 'http://identity:4001',
      TENANCY_URL: 'http://tenancy:4002/graphql',
      WALLET_URL: 'http://wallet:4003/graphql',
      CATALOG_URL: 'http://catalog:4004/graphql',
      VMS_URL: 'http://vms:4005/graphql',
    },
  };
  const ingress: Manifest = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...metadata('gateway'),
      // ingress-nginx: graphql-ws connections stay open for an hour.
      annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600', 'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600' },
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { name: 'http' } } } }] } }],
    },
  };
  const perService = Object.entries(SERVICES).flatMap(([name, spec]) => [
    deployment(name, spec),
    service(name, spec),
    ...(spec.autoscale ? [autoscaler(name, spec.autoscale), disruptionBudget(name)] : []),
  ]);
  return [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }, config, ...perService, ingress];
}

export function renderManifests(): string {
  const header =
    '# Generated by scripts/k8s-manifests.ts: edit the script, then run it (CI checks this file is current).\n' +
    `# Needs the Secret first: kubectl -n ${NAMESPACE} create secret generic platform-secrets --from-env-file=deploy/compose/.env\n`;
  return (
    header +
    platformManifests()
      .map((m) => YAML.stringify(m, { lineWidth: 0 }))
      .join('---\n')
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rendered = renderManifests();
  if (process.argv.includes('--check')) {
    const committed = await readFile(MANIFEST_PATH, 'utf8').catch(() => '');
    if (committed !== rendered) {
      console.error(`${path.relative(process.cwd(), MANIFEST_PATH)} is stale: run npx tsx scripts/k8s-manifests.ts`);
      process.exit(1);
    }
  } else {
    await writeFile(MANIFEST_PATH, rendered);
  }
}
