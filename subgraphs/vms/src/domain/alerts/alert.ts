import type { AlertSeverity, MetricName } from '../telemetry/samples.ts';

export type { AlertSeverity } from '../telemetry/samples.ts';
export type AlertStatus = 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';
export type OpenAlertStatus = Exclude<AlertStatus, 'RESOLVED'>;
export type AlertKind = 'THRESHOLD' | 'NO_DATA';
export type Comparator = 'GT' | 'GTE' | 'LT' | 'LTE';
/** Why an alert resolved: its condition stayed clear for the for-duration, data came back, its rule changed, the VM stopped running. */
export type AlertResolution = 'CLEARED' | 'DATA_RETURNED' | 'RULE_CHANGED' | 'VM_NOT_RUNNING';

export const SEVERITIES: readonly AlertSeverity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
export const COMPARATORS: readonly Comparator[] = ['GT', 'GTE', 'LT', 'LTE'];
/** The rule key of a VM's "no data" alert (threshold alerts use their rule's id). */
export const NO_DATA_KEY = 'no-data';

export interface AlertRule {
  readonly id: string;
  readonly organizationId: string;
  /** Null for an organisation default; a VM's id for that VM's override. */
  readonly vmId: string | null;
  readonly metric: MetricName;
  readonly comparator: Comparator;
  readonly threshold: number;
  readonly forSeconds: number;
  readonly severity: AlertSeverity;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Alert {
  readonly id: string;
  readonly organizationId: string;
  readonly orgPath: readonly string[];
  readonly vmId: string;
  readonly kind: AlertKind;
  readonly ruleKey: string;
  readonly ruleId: string | null;
  readonly metric: MetricName | null;
  readonly comparator: Comparator | null;
  readonly threshold: number | null;
  readonly forSeconds: number;
  readonly severity: AlertSeverity;
  readonly status: AlertStatus;
  /** The latest value that breached the threshold (null for "no data"). */
  readonly value: number | null;
  readonly startedAt: Date;
  readonly firedAt: Date | null;
  readonly respondBy: Date | null;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAt: Date | null;
  readonly resolution: AlertResolution | null;
  readonly evaluatedAt: Date;
  readonly clearSince: Date | null;
}

/** One status change of one alert, as the outbox, the alert_events log and in-process listeners see it. */
export interface AlertTransition {
  readonly alertId: string;
  readonly organizationId: string;
  readonly orgPath: readonly string[];
  readonly vmId: string;
  readonly ruleId: string | null;
  readonly kind: AlertKind;
  readonly metric: MetricName | null;
  readonly severity: AlertSeverity;
  readonly fromStatus: AlertStatus | null;
  readonly toStatus: AlertStatus;
  readonly at: Date;
}

/** A transition once logged: `seq` orders every transition of the vms database (the replay cursor). */
export interface LoggedAlertTransition extends AlertTransition {
  readonly seq: string;
}

export const isOpen = (status: AlertStatus): status is OpenAlertStatus => status !== 'RESOLVED';

export function breaches(comparator: Comparator, value: number, threshold: number): boolean {
  switch (comparator) {
    case 'GT':
      return value > threshold;
    case 'GTE':
      return value >= threshold;
    case 'LT':
      return value < threshold;
    case 'LTE':
      return value <= threshold;
  }
}

const COMPARATOR_TEXT: Record<Comparator, string> = { GT: '>', GTE: '≥', LT: '<', LTE: '≤' };
const METRIC_TEXT: Record<MetricName, { label: string; unit: string }> = {
  cpu_percent: { label: 'CPU', unit: ' %' },
  memory_percent: { label: 'Memory', unit: ' %' },
  disk_read_bytes_per_second: { label: 'Disk read', unit: ' B/s' },
  disk_write_bytes_per_second: { label: 'Disk write', unit: ' B/s' },
  network_receive_bytes_per_second: { label: 'Network receive', unit: ' B/s' },
  network_transmit_bytes_per_second: { label: 'Network transmit', unit: ' B/s' },
};

const duration = (seconds: number) =>
  seconds === 0 ? '' : seconds % 3600 === 0 ? ` for ${seconds / 3600} h` : seconds % 60 === 0 ? ` for ${seconds / 60} min` : ` for ${seconds} s`;
const number = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** "CPU > 90 % for 5 min", or "No data for 120 s". */
export function alertTitle(a: Pick<Alert, 'kind' | 'metric' | 'comparator' | 'threshold' | 'forSeconds'>): string {
  if (a.kind === 'NO_DATA' || !a.metric || !a.comparator || a.threshold === null) return `No data${duration(a.forSeconds)}`;
  const m = METRIC_TEXT[a.metric];
  return `${m.label} ${COMPARATOR_TEXT[a.comparator]} ${number(a.threshold)}${m.unit}${duration(a.forSeconds)}`;
}

/** A sentence for people: what was seen, and since when. */
export function alertSummary(a: Alert): string {
  if (a.kind === 'NO_DATA') return `The VM has sent no telemetry since ${a.startedAt.toISOString()}.`;
  const m = a.metric ? METRIC_TEXT[a.metric] : { label: 'Value', unit: '' };
  const seen = a.value === null ? '' : ` (latest ${number(a.value)}${m.unit})`;
  return `${alertTitle(a)}: breached since ${a.startedAt.toISOString()}${seen}.`;
}

export function transitionOf(a: Alert, fromStatus: AlertStatus | null, toStatus: AlertStatus, at: Date): AlertTransition {
  return {
    alertId: a.id,
    organizationId: a.organizationId,
    orgPath: a.orgPath,
    vmId: a.vmId,
    ruleId: a.ruleId,
    kind: a.kind,
    metric: a.metric,
    severity: a.severity,
    fromStatus,
    toStatus,
    at,
  };
}
