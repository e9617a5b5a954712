import type http from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * Span helpers every service uses. They go through @opentelemetry/api only: until `startTracing`
 * registers a provider they are skipped outright (one boolean test), so tracing off costs nothing.
 */
const tracer = trace.getTracer('@platform/kernel');
let enabled = false;

/** Set by startTracing/stopTracing; nothing else flips it. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

/** Runs `work` inside a span (a child of the active one); the span records a thrown error and ends when `work` settles. */
export function withSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  if (!enabled) return work();
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** Writes the active trace context as W3C `traceparent` (and `tracestate`) through `set`. */
export function injectTraceContext(set: (name: string, value: string) => void): void {
  if (!enabled) return;
  propagation.inject(context.active(), undefined, { set: (_carrier, key, value) => set(key, value) });
}

/**
 * Serves one HTTP request inside a SERVER span continuing the caller's trace (its `traceparent`
 * header). The span ends when the response is finished or the socket closes.
 */
export function serveInSpan(req: http.IncomingMessage, res: http.ServerResponse, route: string, serve: () => void): void {
  if (!enabled) return serve();
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan(
    `${req.method ?? 'GET'} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': route } },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), serve);
}

/** A finished statement as a span, back-dated to when it started (kysely reports it after the fact). */
export function recordStatementSpan(sql: string, durationMs: number, error?: unknown): void {
  if (!enabled) return;
  const end = Date.now();
  const span = tracer.startSpan('db.query', {
    kind: SpanKind.CLIENT,
    startTime: end - durationMs,
    attributes: { 'db.system.name': 'postgresql', 'db.query.text': sql },
  });
  if (error !== undefined) failSpan(span, error);
  span.end(end);
}

/** The active trace id, for log lines (undefined when tracing is off or nothing is traced). */
export function activeTraceId(): string | undefined {
  if (!enabled) return undefined;
  const span = trace.getActiveSpan();
  return span?.spanContext().traceId;
}

export { SpanKind };
