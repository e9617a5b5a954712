import { randomBytes } from 'node:crypto';
import { activeTraceId, createLogger, startTracing, withSpan, type Tracing } from '@platform/kernel';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { startOtlpCollector, type CollectedSpan } from './otlp-collector.ts';

// Real spans from a real platform, exported over OTLP/HTTP to a collector on port 0.
let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
let tracing: Tracing;
let p: TestPlatform;

beforeAll(async () => {
  collector = await startOtlpCollector();
  tracing = startTracing('platform-under-test', { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
  p = await startTestPlatform();
}, 120_000);
afterAll(async () => {
  await p?.close();
  await tracing?.stop();
  await collector?.close();
});

const WALLET = `query OrgWallet($id: ID!) { organization(id: $id) { name wallet { balance { amount } } } }`;

test('tracing is off unless an OTEL_* exporter variable is set', async () => {
  const { tracingRequested } = await import('@platform/kernel');
  expect(tracingRequested({})).toBe(false);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
  expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
});

test('one trace id crosses the gateway, the wallet subgraph (traceparent over HTTP) and its SQL', async () => {
  const token = await p.login('admin@protea.example');
  // The client starts the trace: its traceparent is continued, so every span below carries this id.
  const traceId = randomBytes(16).toString('hex');
  const response = await fetch(p.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    body: JSON.stringify({ query: WALLET, variables: { id: DEMO_ORGS.protea } }),
  });
  expect(await response.json()).toEqual({ data: { organization: { name: 'Protea Logistics', wallet: { balance: { amount: '25000.00' } } } } });
  await tracing.flush();

  const trace = collector.spans.filter((s) => s.traceId === traceId);
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const ancestors = (span: CollectedSpan): string[] => {
    const names: string[] = [];
    for (let s = byId.get(span.parentSpanId); s; s = byId.get(s.parentSpanId)) names.push(s.name);
    return names;
  };
  const names = trace.map((s) => s.name);
  // The gateway: its HTTP span, Apollo's query plan and fetch spans, our client span per subgraph.
  expect(names).toEqual(expect.arrayContaining(['POST /graphql', 'gateway.request', 'gateway.plan', 'gateway.fetch', 'subgraph tenancy', 'subgraph wallet']));
  // The wallet subgraph's server span is a child of the gateway's client span: traceparent crossed HTTP.
  const walletClient = trace.find((s) => s.name === 'subgraph wallet')!;
  const walletServer = trace.filter((s) => s.parentSpanId === walletClient.spanId);
  expect(walletServer.map((s) => s.name)).toEqual(['POST /graphql']);
  // SQL under the wallet subgraph's request, in the same trace.
  const walletSql = trace.filter((s) => s.name === 'db.query' && s.parentSpanId !== '' && ancestors(s).includes('subgraph wallet'));
  expect(walletSql.length).toBeGreaterThan(0);
  expect(walletSql.every((s) => s.attributes['db.system.name'] === 'postgresql')).toBe(true);
  expect(walletSql.some((s) => /select/i.test(String(s.attributes['db.query.text'])))).toBe(true);
  // Entity fetches go through a DataLoader batch span.
  expect(names).toContain('dataloader batch');
  expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['platform-under-test']));
});

test('a log line written inside a traced operation carries its trace id', async () => {
  const lines: string[] = [];
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  let spanTraceId = '';
  try {
    await withSpan('log test', {}, async () => {
      spanTraceId = activeTraceId()!;
      createLogger({ service: 'test' }).info('inside');
    });
    createLogger({ service: 'test' }).info('outside');
  } finally {
    write.mockRestore();
  }
  const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(spanTraceId).toMatch(/^[0-9a-f]{32}$/);
  expect(inside).toMatchObject({ msg: 'inside', trace_id: spanTraceId });
  expect(outside!['trace_id']).toBeUndefined();
});
