import type { IngestedSample, SampleListener } from '../domain/telemetry/samples.ts';
import type { LiveHub } from './live-hub.ts';

/** Telemetry ingest calls it with each committed batch: the samples of watched VMs go out on the live channel. */
export function liveSamplePublisher(hub: LiveHub): SampleListener {
  // An IngestedSample has exactly the fields of a live sample: handed over as it is, not copied.
  return { onSamples: (samples: readonly IngestedSample[]) => hub.publishSamples(samples) };
}
