import type { IngestedSample } from '../telemetry/samples.ts';
import { breaches, NO_DATA_KEY, transitionOf, type Alert, type AlertResolution, type AlertRule, type AlertStatus, type AlertTransition } from './alert.ts';
import { respondBy } from './respond-by.ts';

/** The VM being evaluated, as the last-seen table knows it (authoritative organisation and path). */
export interface EvaluatedVm {
  readonly vmId: string;
  readonly organizationId: string;
  readonly orgPath: readonly string[];
}

export interface Evaluation {
  /** Alerts that existed before the batch and changed (status or evaluation state). */
  readonly updates: Alert[];
  /** Alerts the batch opened (possibly already resolved again within it). */
  readonly inserts: Alert[];
  readonly transitions: AlertTransition[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The alert lifecycle for one VM over one batch of its samples, in time order; pure, so the rules of
 * the state machine are tested without a database:
 * - a breach opens a PENDING alert (FIRING at once when the for-duration is 0);
 * - PENDING turns FIRING once the condition has held for the for-duration (respondBy set from the severity);
 * - a PENDING alert whose condition clears is RESOLVED without ever having fired (firedAt stays null);
 * - FIRING or ACKNOWLEDGED resolves once the condition has stayed clear for the for-duration;
 * - an open "no data" alert resolves when a sample newer than the silence arrives;
 * - an open alert whose rule no longer applies to the VM (deleted, disabled, overridden) resolves as RULE_CHANGED.
 * Samples no newer than what an alert has already seen are skipped (redelivery, out-of-order batches).
 */
export function evaluateVm(
  vm: EvaluatedVm,
  samples: readonly IngestedSample[],
  rules: readonly AlertRule[],
  open: readonly Alert[],
  now: Date,
  newId: () => string,
): Evaluation {
  const updates = new Map<string, Mutable<Alert>>();
  const inserts: Mutable<Alert>[] = [];
  const transitions: AlertTransition[] = [];
  const current = new Map<string, Mutable<Alert>>(open.map((a) => [a.ruleKey, { ...a }]));

  const move = (alert: Mutable<Alert>, to: AlertStatus, at: Date, resolution: AlertResolution | null = null) => {
    transitions.push(transitionOf(alert, alert.status, to, at));
    alert.status = to;
    if (to === 'FIRING') {
      alert.firedAt = at;
      alert.respondBy = respondBy(alert.severity, at);
    }
    if (to === 'RESOLVED') {
      alert.resolvedAt = at;
      alert.resolution = resolution;
      current.delete(alert.ruleKey);
    }
  };
  const touch = (alert: Mutable<Alert>) => {
    if (!inserts.includes(alert)) updates.set(alert.id, alert);
  };

  const newest = samples.reduce<Date | null>((max, s) => (max === null || s.at > max ? s.at : max), null);
  const silence = current.get(NO_DATA_KEY);
  if (silence && newest && newest > silence.startedAt) {
    move(silence, 'RESOLVED', newest, 'DATA_RETURNED');
    silence.evaluatedAt = newest;
    touch(silence);
  }

  const applying = new Set(rules.map((r) => r.id));
  for (const alert of [...current.values()]) {
    if (alert.kind === 'THRESHOLD' && !applying.has(alert.ruleKey)) {
      move(alert, 'RESOLVED', now, 'RULE_CHANGED');
      touch(alert);
    }
  }

  for (const rule of rules) {
    const forMs = rule.forSeconds * 1000;
    for (const sample of samples) {
      const value = sample.values[rule.metric];
      if (value === undefined) continue;
      const at = sample.at;
      let alert = current.get(rule.id);
      if (alert && at <= alert.evaluatedAt) continue;
      const breached = breaches(rule.comparator, value, rule.threshold);
      if (!alert) {
        if (!breached) continue;
        alert = {
          id: newId(),
          organizationId: vm.organizationId,
          orgPath: vm.orgPath,
          vmId: vm.vmId,
          kind: 'THRESHOLD',
          ruleKey: rule.id,
          ruleId: rule.id,
          metric: rule.metric,
          comparator: rule.comparator,
          threshold: rule.threshold,
          forSeconds: rule.forSeconds,
          severity: rule.severity,
          status: 'PENDING',
          value,
          startedAt: at,
          firedAt: null,
          respondBy: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolution: null,
          evaluatedAt: at,
          clearSince: null,
        };
        inserts.push(alert);
        current.set(rule.id, alert);
        transitions.push(transitionOf(alert, null, 'PENDING', at));
        if (forMs === 0) move(alert, 'FIRING', at);
        continue;
      }
      alert.evaluatedAt = at;
      touch(alert);
      if (breached) {
        alert.value = value;
        alert.clearSince = null;
        if (alert.status === 'PENDING' && at.getTime() - alert.startedAt.getTime() >= forMs) move(alert, 'FIRING', at);
      } else if (alert.status === 'PENDING') {
        move(alert, 'RESOLVED', at, 'CLEARED');
      } else {
        alert.clearSince ??= at;
        if (at.getTime() - alert.clearSince.getTime() >= forMs) move(alert, 'RESOLVED', at, 'CLEARED');
      }
    }
  }
  return { updates: [...updates.values()], inserts, transitions };
}
