/**
 * `npm run simulate -- --vms N --interval S [--duration S] [--url URL] [--identity URL] [--gateway URL]`:
 * telemetry load against a running platform. Every S seconds it POSTs one sample for each of N VMs to vms
 * `POST /v1/metrics` as OTLP/HTTP JSON (the vCenter receiver's metric names), and prints what was stored,
 * rejected, and the rate. VMs are the platform's RUNNING ones (listed through the gateway as the demo's
 * provider operator); N above that count reuses them at distinct instants. The token: TELEMETRY_TOKEN, or a
 * `collector` service token from identity with the secret `npm start` keeps in .data/collector-secret.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_ORGS, DEMO_PASSWORD } from '@platform/platform';
import { encodeOtlpMetrics, profileOf, simulatedSample, type OutgoingSample } from '@platform/vms';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    vms: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '20' },
    duration: { type: 'string', default: '0' },
    batch: { type: 'string', default: '2000' },
    url: { type: 'string', default: process.env['VMS_URL'] ?? 'http://127.0.0.1:4005' },
    identity: { type: 'string', default: process.env['IDENTITY_URL'] ?? 'http://127.0.0.1:4001' },
    gateway: { type: 'string', default: process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:4000/graphql' },
  },
});
const count = Number(values.vms);
const intervalS = Number(values.interval);
const durationS = Number(values.duration);
const batch = Number(values.batch);
if (!Number.isInteger(count) || count < 1) throw new Error('--vms: a whole number of VMs, at least 1.');
if (!(intervalS > 0)) throw new Error('--interval: seconds between rounds, more than 0.');

async function graphql<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const res = await fetch(values.gateway!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`gateway: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function telemetryToken(): Promise<string> {
  if (process.env['TELEMETRY_TOKEN']) return process.env['TELEMETRY_TOKEN'];
  const secret = readFileSync(path.join(ROOT, '.data', 'collector-secret'), 'utf8').trim();
  const res = await fetch(new URL('/internal/service-token', values.identity), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ service: 'collector', scopes: ['telemetry:write'] }),
  });
  if (!res.ok) throw new Error(`identity refused a collector token: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

async function runningVms(limit: number): Promise<string[]> {
  const { logIn } = await graphql<{ logIn: { accessToken: string } }>('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }', {
    e: 'ops@highveld.example',
    p: DEMO_PASSWORD,
  });
  const ids: string[] = [];
  let after: string | null = null;
  while (ids.length < limit) {
    const page: { organization: { virtualMachines: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } =
      await graphql(
        `
          query ($org: ID!, $after: String) {
            organization(id: $org) {
              virtualMachines(scope: SUBTREE, filter: { status: [RUNNING] }, first: 100, after: $after) {
                edges {
                  node {
                    id
                  }
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
              }
            }
          }
        `,
        { org: DEMO_ORGS.provider, after },
        logIn.accessToken,
      );
    const conn = page.organization.virtualMachines;
    ids.push(...conn.edges.map((e) => e.node.id));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  if (ids.length === 0) throw new Error('no RUNNING VM to report on');
  return ids.slice(0, limit);
}

const ids = await runningVms(count);
let token = await telemetryToken();
let tokenAt = Date.now();
console.log(`simulating ${count} VMs (${ids.length} distinct RUNNING VMs) every ${intervalS} s → ${values.url}/v1/metrics`);
const started = Date.now();
for (let round = 1; ; round += 1) {
  const roundStarted = Date.now();
  if (Date.now() - tokenAt > 240_000) {
    token = await telemetryToken();
    tokenAt = Date.now();
  }
  let sent = 0;
  let rejected = 0;
  for (let i = 0; i < count; i += batch) {
    const samples: OutgoingSample[] = [];
    for (let j = i; j < Math.min(count, i + batch); j += 1) {
      const vmId = ids[j % ids.length]!;
      // A VM reused for load gets its own instant (a millisecond apart), so no sample repeats another.
      const at = new Date(roundStarted - Math.floor(j / ids.length));
      samples.push({ vmRef: vmId, at, values: simulatedSample(profileOf(vmId), at) });
    }
    const res = await fetch(`${values.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(encodeOtlpMetrics(samples)),
    });
    const body = (await res.json()) as { partialSuccess?: { rejectedDataPoints?: string; errorMessage?: string }; message?: string };
    if (!res.ok) throw new Error(`ingest answered HTTP ${res.status}: ${body.message ?? ''}`);
    sent += samples.length;
    rejected += Number(body.partialSuccess?.rejectedDataPoints ?? 0);
    if (body.partialSuccess?.errorMessage && round === 1) console.log(`  note: ${body.partialSuccess.errorMessage}`);
  }
  const ms = Date.now() - roundStarted;
  console.log(
    `round ${round}: ${sent} samples (${sent * 6} data points), ${rejected} data points rejected, ${ms} ms, ${Math.round((sent / ms) * 1000)} samples/s`,
  );
  if (durationS > 0 && Date.now() - started >= durationS * 1000) break;
  await new Promise((r) => setTimeout(r, Math.max(0, intervalS * 1000 - ms)));
}
