import type { Selectable } from 'kysely';
import type { Alert, AlertKind, AlertResolution, AlertRule, AlertStatus, Comparator } from '../domain/alerts/alert.ts';
import type { AlertSeverity, MetricName } from '../domain/telemetry/samples.ts';
import type { AlertRulesTable, AlertsTable } from './types.ts';

export type AlertRow = Selectable<AlertsTable>;
export type AlertRuleRow = Selectable<AlertRulesTable>;

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

export const alertFromRow = (r: AlertRow): Alert => ({
  id: r.id,
  organizationId: r.organization_id,
  orgPath: r.org_path,
  vmId: r.vm_id,
  kind: r.kind as AlertKind,
  ruleKey: r.rule_key,
  ruleId: r.rule_id,
  metric: r.metric as MetricName | null,
  comparator: r.comparator as Comparator | null,
  threshold: r.threshold,
  forSeconds: r.for_seconds,
  severity: r.severity as AlertSeverity,
  status: r.status as AlertStatus,
  value: r.value,
  startedAt: new Date(r.started_at),
  firedAt: date(r.fired_at),
  respondBy: date(r.respond_by),
  acknowledgedAt: date(r.acknowledged_at),
  acknowledgedBy: r.acknowledged_by,
  resolvedAt: date(r.resolved_at),
  resolution: r.resolution as AlertResolution | null,
  evaluatedAt: new Date(r.evaluated_at),
  clearSince: date(r.clear_since),
});

export const rowFromAlert = (a: Alert) => ({
  id: a.id,
  organization_id: a.organizationId,
  org_path: [...a.orgPath],
  vm_id: a.vmId,
  kind: a.kind,
  rule_key: a.ruleKey,
  rule_id: a.ruleId,
  metric: a.metric,
  comparator: a.comparator,
  threshold: a.threshold,
  for_seconds: a.forSeconds,
  severity: a.severity,
  status: a.status,
  value: a.value,
  started_at: a.startedAt,
  fired_at: a.firedAt,
  respond_by: a.respondBy,
  acknowledged_at: a.acknowledgedAt,
  acknowledged_by: a.acknowledgedBy,
  resolved_at: a.resolvedAt,
  resolution: a.resolution,
  evaluated_at: a.evaluatedAt,
  clear_since: a.clearSince,
});

export const ruleFromRow = (r: AlertRuleRow): AlertRule => ({
  id: r.id,
  organizationId: r.organization_id,
  vmId: r.vm_id,
  metric: r.metric as MetricName,
  comparator: r.comparator as Comparator,
  threshold: r.threshold,
  forSeconds: r.for_seconds,
  severity: r.severity as AlertSeverity,
  enabled: r.enabled,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});
