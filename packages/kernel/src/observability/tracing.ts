import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Env } from '../config.ts';
import { setTracingEnabled } from './spans.ts';

export interface Tracing {
  /** Exports the spans ended so far (tests, and before exit). */
  flush(): Promise<void>;
  /** Flushes, then unregisters the provider: spans are skipped again. */
  stop(): Promise<void>;
}

const OFF: Tracing = { flush: async () => undefined, stop: async () => undefined };

/**
 * Tracing is on when the standard OpenTelemetry variables ask for it: OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT set, or OTEL_TRACES_EXPORTER=otlp; OTEL_SDK_DISABLED=true and
 * OTEL_TRACES_EXPORTER=none win. Everything else (headers, timeout, sampler, resource attributes)
 * the SDK reads from the same OTEL_* variables itself.
 */
export function tracingRequested(env: Env): boolean {
  if (env['OTEL_SDK_DISABLED']?.toLowerCase() === 'true') return false;
  const exporter = env['OTEL_TRACES_EXPORTER']?.toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || exporter === 'otlp');
}

let running: Tracing | undefined;

/**
 * Registers the OpenTelemetry Node tracer provider (AsyncLocalStorage context, W3C trace context
 * propagation, OTLP/HTTP exporter, batched) once per process. `serviceName` is the resource's
 * service.name unless OTEL_SERVICE_NAME says otherwise. Off (and free) unless `tracingRequested`.
 */
export function startTracing(serviceName: string, env: Env = process.env): Tracing {
  if (!tracingRequested(env)) return OFF;
  if (running) return running; // one provider per process: the embedded platform's services share it
  const resource = resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] ?? serviceName }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(env) }))] });
  provider.register();
  setTracingEnabled(true);
  const tracing: Tracing = {
    flush: () => provider.forceFlush(),
    async stop() {
      if (running !== tracing) return;
      running = undefined;
      setTracingEnabled(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  running = tracing;
  return tracing;
}

/** Flushes and stops the process's tracing, if started (stopOnSignals calls it before exiting). */
export async function stopTracing(): Promise<void> {
  await running?.stop();
}

/** The OTLP/HTTP traces URL by the specification's rule; undefined leaves the SDK's default (localhost:4318). */
function tracesUrl(env: Env): string | undefined {
  const signal = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (signal) return signal;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}
