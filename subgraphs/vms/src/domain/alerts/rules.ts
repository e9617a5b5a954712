import { badInput } from '@platform/kernel';
import { METRIC_NAMES, type AlertSeverity, type MetricName } from '../telemetry/samples.ts';
import { COMPARATORS, SEVERITIES, type AlertRule, type Comparator } from './alert.ts';

/** What a rule says, without its identity. */
export interface RuleCondition {
  readonly metric: MetricName;
  readonly comparator: Comparator;
  readonly threshold: number;
  readonly forSeconds: number;
  readonly severity: AlertSeverity;
  readonly enabled: boolean;
}

/** An organisation's rules until its admins change them: seeded once, the first time the organisation is evaluated or its rules are read. */
export const DEFAULT_RULES: readonly RuleCondition[] = [
  { metric: 'cpu_percent', comparator: 'GT', threshold: 90, forSeconds: 300, severity: 'HIGH', enabled: true },
  { metric: 'memory_percent', comparator: 'GT', threshold: 95, forSeconds: 300, severity: 'HIGH', enabled: true },
];

/** At most this many rules per organisation (defaults and VM overrides together). */
export const MAX_RULES_PER_ORGANIZATION = 200;
export const MAX_FOR_SECONDS = 86_400;
/** 1 TB/s: far above any VM's disk or network, low enough to catch a unit mistake. */
const MAX_RATE = 1e12;

const isPercent = (metric: MetricName) => metric === 'cpu_percent' || metric === 'memory_percent';

export function parseThreshold(metric: MetricName, value: number, field = 'threshold'): number {
  if (!Number.isFinite(value)) throw badInput(field, 'must be a finite number.');
  const max = isPercent(metric) ? 100 : MAX_RATE;
  if (value < 0 || value > max) {
    throw badInput(field, isPercent(metric) ? 'must be a percentage from 0 to 100.' : `must be a rate from 0 to ${MAX_RATE} bytes per second.`, {
      min: 0,
      max,
    });
  }
  return value;
}

export function parseForSeconds(value: number, field = 'forDuration'): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_FOR_SECONDS) {
    throw badInput(field, `must be a whole number of seconds from 0 to ${MAX_FOR_SECONDS} (24 h).`, { min: 0, max: MAX_FOR_SECONDS });
  }
  return value;
}

/** GraphQL enum value (CPU_PERCENT) → stored metric name (cpu_percent). */
export function metricFromEnum(value: string, field = 'metric'): MetricName {
  const name = value.toLowerCase() as MetricName;
  if (!METRIC_NAMES.includes(name)) throw badInput(field, `must be one of ${METRIC_NAMES.map((m) => m.toUpperCase()).join(', ')}.`);
  return name;
}
export const metricToEnum = (metric: MetricName) => metric.toUpperCase() as Uppercase<MetricName>;

export function parseComparator(value: string, field = 'comparator'): Comparator {
  if (!(COMPARATORS as readonly string[]).includes(value)) throw badInput(field, `must be one of ${COMPARATORS.join(', ')}.`);
  return value as Comparator;
}

export function parseSeverity(value: string, field = 'severity'): AlertSeverity {
  if (!(SEVERITIES as readonly string[]).includes(value)) throw badInput(field, `must be one of ${SEVERITIES.join(', ')}.`);
  return value as AlertSeverity;
}

/**
 * The rules that apply to one VM: its own enabled overrides, plus its organisation's enabled defaults for
 * every metric the VM has no override of. An override (enabled or not) replaces the defaults of its metric,
 * so a disabled override silences a default for that VM.
 */
export function effectiveRules(vmId: string, organizationId: string, rules: readonly AlertRule[]): AlertRule[] {
  const own = rules.filter((r) => r.vmId === vmId);
  const overridden = new Set(own.map((r) => r.metric));
  const defaults = rules.filter((r) => r.vmId === null && r.organizationId === organizationId && !overridden.has(r.metric));
  return [...own, ...defaults].filter((r) => r.enabled);
}
