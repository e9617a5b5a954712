import type { IngestedSample, SampleListener } from '../domain/telemetry/samples.ts';
import type { LiveHub } from './live-hub.ts';

/** Telemetry ingest calls it with each committed batch: every sample goes out on the live channel. */
export function liveSamplePublisher(hub: LiveHub): SampleListener {
  return {
    onSamples: (samples: readonly IngestedSample[]) =>
      hub.publishSamples(samples.map((s) => ({ vmId: s.vmId, organizationId: s.organizationId, at: s.at, values: s.values }))),
  };
}
