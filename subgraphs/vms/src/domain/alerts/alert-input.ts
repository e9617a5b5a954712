import { badInput, parseOptionalId } from '@platform/kernel';
import type { AlertFilter } from '../../db/alert-repository.ts';
import type { AlertSeverity } from '../telemetry/samples.ts';
import type { AlertStatus } from './alert.ts';
import { metricFromEnum, parseComparator, parseForSeconds, parseSeverity, parseThreshold, type RuleCondition } from './rules.ts';

export interface AlertFilterInput {
  readonly status?: readonly string[] | null;
  readonly severity?: readonly string[] | null;
  readonly virtualMachineId?: string | null;
}

export interface RuleConditionInput {
  readonly metric: string;
  readonly comparator: string;
  readonly threshold: number;
  readonly forDuration: number;
  readonly severity: string;
  readonly enabled?: boolean | null;
}

const list = <T>(values: readonly string[] | null | undefined, field: string, max: number): T[] | null => {
  if (!values) return null;
  if (values.length === 0) throw badInput(field, 'give at least one value, or leave it out for all.');
  if (values.length > max) throw badInput(field, `may list at most ${max} values.`);
  return [...new Set(values)] as T[];
};

/** Field names are relative to `filter` (the caller wraps with fieldsUnder). */
export function parseAlertFilter(input: AlertFilterInput | null | undefined): AlertFilter {
  return {
    status: list<AlertStatus>(input?.status, 'status', 4),
    severity: list<AlertSeverity>(input?.severity, 'severity', 4),
    vmId: parseOptionalId(input?.virtualMachineId, 'virtualMachineId'),
  };
}

/** Field names relative to the condition input. */
export function parseRuleCondition(input: RuleConditionInput): RuleCondition {
  const metric = metricFromEnum(input.metric);
  return {
    metric,
    comparator: parseComparator(input.comparator),
    threshold: parseThreshold(metric, input.threshold),
    forSeconds: parseForSeconds(input.forDuration),
    severity: parseSeverity(input.severity),
    enabled: input.enabled ?? true,
  };
}
