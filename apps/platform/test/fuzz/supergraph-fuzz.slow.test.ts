import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { simulatedComputeProvider } from '@platform/vms';
import { DEMO_ORGANIZATIONS, DEMO_USERS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { ALLOWED_CODES, apiSchema, generateOperation, LEAK_PATTERNS, subgraphSchemas, type Ids } from './operations.ts';

/**
 * Issue 14: a schema-driven fuzzer. Operations generated from the composed supergraph (queries and
 * mutations, nested selections, hostile arguments inline and as variables) go through the gateway as
 * an anonymous caller, a VIEWER, a customer ADMIN and provider staff, and straight to each subgraph.
 * Property: no HTTP 5xx, no INTERNAL_SERVER_ERROR, every error carries an allowed code (operations.ts,
 * ALLOWED_CODES) and no internals. Every failure is collected, grouped by class and printed with the
 * operation, variables, caller and seed. FUZZ_SEED replays a run, FUZZ_RUNS sets its size (2,000).
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2000);
// CI replays one fixed seed (a red build must be reproducible and about the change in it); every other run
// explores a new one and prints it.
const SEED = Number(process.env['FUZZ_SEED'] ?? (process.env['CI'] ? 20_261_129 : Date.now() % 2 ** 31));

const CALLERS = {
  anonymous: undefined,
  viewer: 'viewer@protea.example',
  admin: 'admin@protea.example',
  staff: 'ops@highveld.example',
} as const;
type CallerName = keyof typeof CALLERS;

let p: TestPlatform;
const tokens = {} as Record<CallerName, string | undefined>;
beforeAll(async () => {
  // Provisioning stays cheap: builds finish at once and never fail.
  p = await startTestPlatform({ vms: { options: { compute: simulatedComputeProvider({ buildDelayMs: 0, failurePercent: 0 }) } } });
  for (const [name, email] of Object.entries(CALLERS) as [CallerName, string | undefined][]) tokens[name] = email ? await p.login(email) : undefined;
}, 180_000);
afterAll(() => p?.close());

interface Failure {
  readonly class: string;
  readonly target: string;
  readonly caller: CallerName;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly status: number;
  readonly body: string;
}

/** What makes one response a failure, as a class name (undefined when it passes). */
function judge(status: number, text: string): string[] {
  const classes: string[] = [];
  if (status >= 500) classes.push(`HTTP ${status}`);
  let body: { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    if (status < 400 || status >= 500) classes.push(`non-JSON body (HTTP ${status})`);
    return classes;
  }
  for (const error of body?.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code !== 'string') classes.push('error without a code');
    else if (!ALLOWED_CODES.has(code)) classes.push(`code ${code}`);
  }
  for (const pattern of LEAK_PATTERNS) if (pattern.test(text)) classes.push(`leak ${pattern}`);
  return classes;
}

const SUBGRAPH_TARGETS = [...subgraphSchemas.keys()].filter((n) => ['identity', 'tenancy', 'wallet', 'catalog', 'vms'].includes(n));

test(`${RUNS} generated operations through the gateway and straight to the subgraphs: no internal error (seed ${SEED})`, async () => {
  const ids: Ids = {
    organizations: DEMO_ORGANIZATIONS.map((o) => o.id),
    users: DEMO_USERS.map((u) => u.id),
    other: [],
  };
  const failures: Failure[] = [];
  const started = Date.now();
  const targets = ['gateway', 'gateway', 'gateway', ...SUBGRAPH_TARGETS] as const;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...targets), fc.constantFrom(...(Object.keys(CALLERS) as CallerName[])), fc.gen(), async (target, caller, g) => {
      const schema = target === 'gateway' ? apiSchema : subgraphSchemas.get(target)!;
      const op = generateOperation(g, schema, ids);
      const url = target === 'gateway' ? p.gatewayUrl : p.urls[target as keyof typeof p.urls];
      const token = tokens[caller];
      const send = () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(op),
        });
      // A connection that breaks is a failure class of its own (after one retry, which rules out a keep-alive race).
      const response = await send()
        .catch(() => send())
        .catch((error: unknown) => error as Error);
      if (response instanceof Error) {
        const cause = (response.cause as { code?: string; message?: string } | undefined) ?? {};
        failures.push({
          class: `${target}: connection failed (${cause.code ?? cause.message ?? response.message})`,
          target,
          caller,
          ...op,
          status: 0,
          body: '',
        });
        return true;
      }
      const text = await response.text();
      for (const cls of judge(response.status, text)) {
        failures.push({ class: `${target}: ${cls}`, target, caller, ...op, status: response.status, body: text.slice(0, 600) });
      }
      return true;
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const byClass = new Map<string, Failure[]>();
  for (const f of failures) byClass.set(f.class, [...(byClass.get(f.class) ?? []), f]);
  const report = [...byClass].map(([cls, list]) =>
    [
      `${cls}: ${list.length}`,
      ...list
        .slice(0, 3)
        .map(
          (f) => `  caller=${f.caller} target=${f.target}\n  ${f.query}\n  variables=${JSON.stringify(f.variables).slice(0, 400)}\n  -> ${f.status} ${f.body}`,
        ),
    ].join('\n'),
  );
  console.log(
    `fuzz: ${RUNS} operations in ${seconds} s, seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}); ${failures.length} failures in ${byClass.size} classes`,
  );
  expect(failures.length, `seed ${SEED} — replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n${report.join('\n\n')}`).toBe(0);
}, 900_000);
