import type { ServiceTokenSource } from '@platform/kernel';
import { encodeOtlpMetrics, profileOf, simulatedSample } from '@platform/vms';
import type { Tally } from '../tally.ts';

/**
 * Telemetry as a Collector sends it: every second one sample for each of `vmIds`, POSTed as OTLP/HTTP
 * JSON to vms's /v1/metrics with the `collector` credential's token. Answers go to the tally by HTTP
 * status (200 with rejected points is PARTIAL).
 */
export function startTelemetryLoad(options: { url: string; tokens: ServiceTokenSource; vmIds: readonly string[]; tally: Tally }): { stop(): Promise<void> } {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const at = new Date(Math.floor(Date.now() / 1_000) * 1_000);
      const samples = options.vmIds.map((vmId) => ({ vmRef: vmId, at, values: simulatedSample(profileOf(vmId), at) }));
      let outcome: string;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await options.tokens()}` },
          body: JSON.stringify(encodeOtlpMetrics(samples)),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json().catch(() => ({}))) as { partialSuccess?: { rejectedDataPoints?: string } };
        outcome = response.status !== 200 ? `HTTP ${response.status}` : Number(body.partialSuccess?.rejectedDataPoints ?? 0) > 0 ? 'PARTIAL' : 'OK';
      } catch (error) {
        outcome = error instanceof Error && error.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK';
      }
      options.tally.record('telemetry', outcome);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      await running;
    },
  };
}
