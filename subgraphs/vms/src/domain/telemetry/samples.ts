/**
 * The seam between telemetry ingest and what reacts to it (alert evaluation, live subscriptions).
 * Ingest validates and commits a batch, then hands the stored samples to every SampleListener
 * before it answers the collector; a listener's failure is logged, never loses the batch.
 */

/** The metrics the platform keeps, one column each; names as stored and as exposed in GraphQL. */
export const METRIC_NAMES = [
  'cpu_percent',
  'memory_percent',
  'disk_read_bytes_per_second',
  'disk_write_bytes_per_second',
  'network_receive_bytes_per_second',
  'network_transmit_bytes_per_second',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** One VM at one instant, after validation: only the metrics that arrived are present. */
export interface IngestedSample {
  readonly vmId: string;
  readonly organizationId: string;
  readonly at: Date;
  readonly values: Partial<Readonly<Record<MetricName, number>>>;
}

export interface SampleListener {
  onSamples(samples: readonly IngestedSample[]): Promise<void>;
}

export type AlertSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

/** An open (pending, firing or acknowledged) alert, as VM health weighs it. */
export interface OpenAlertSummary {
  readonly vmId: string;
  readonly severity: AlertSeverity;
  readonly status: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED';
  readonly title: string;
}

/** Implemented by the alerts module; health reads it batched for a page of VMs. */
export interface OpenAlertsSource {
  openAlertsFor(vmIds: readonly string[]): Promise<ReadonlyMap<string, readonly OpenAlertSummary[]>>;
}
