import { inTransaction, newId } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertAlerts, lockOpenAlerts, logTransitions, openAlertsOfVms, updateAlerts } from '../../db/alert-repository.ts';
import { rulesForVms, seedDefaultRules } from '../../db/alert-rule-repository.ts';
import { recordSeen } from '../../db/telemetry-seen.ts';
import type { VmsDatabase } from '../../db/types.ts';
import type { IngestedSample, SampleListener } from '../telemetry/samples.ts';
import { breaches, type Alert, type AlertRule, type AlertTransition, type LoggedAlertTransition } from './alert.ts';
import { evaluateVm, type EvaluatedVm } from './evaluation.ts';
import { DEFAULT_RULES, effectiveRules } from './rules.ts';
import type { AlertTransitions } from './transitions.ts';

/**
 * Evaluates alert rules as samples arrive (a SampleListener the ingest calls after committing a batch; the
 * ingest has recorded the VMs' last-seen times with the samples).
 * A batch costs a fixed number of statements whatever its size: seed defaults (only for organisations
 * this process has not seeded yet), two reads without locks (the batch's open alerts; the rules) and an
 * evaluation in memory, where a VM with no open alert and no sample breaching its rules costs one
 * comparison per sample and rule. Only when some VMs change state does one transaction follow, for those
 * VMs alone: it locks their last-seen rows (so concurrent batches of one VM take turns, and the no-data
 * scan skips them), locks their open alerts, evaluates them again on what it locked, writes the changed
 * and new alerts, and logs every transition to alert_events and the outbox. Listeners hear the
 * transitions after the commit.
 */
export class AlertEvaluator implements SampleListener {
  /** Organisations known to have been seeded (seeding is never undone): their batches skip the seed statement. */
  private readonly seeded = new Set<string>();

  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly transitions: AlertTransitions,
    /** How far a VM's stored last-seen time may lag its newest sample (see seenUpsert); the no-data scan allows for it. */
    private readonly seenGranularitySeconds: number,
  ) {}

  async onSamples(samples: readonly IngestedSample[]): Promise<void> {
    if (samples.length === 0) return;
    const byVm = new Map<string, IngestedSample[]>();
    for (const s of samples) {
      const list = byVm.get(s.vmId);
      if (list) list.push(s);
      else byVm.set(s.vmId, [s]);
    }
    for (const list of byVm.values()) if (list.length > 1) list.sort((a, b) => a.at.getTime() - b.at.getTime());
    const orgIds = [...new Set(samples.map((s) => s.organizationId))];
    const unseeded = orgIds.filter((id) => !this.seeded.has(id));
    if (unseeded.length > 0) {
      await seedDefaultRules(this.db, unseeded, DEFAULT_RULES);
      for (const id of unseeded) this.seeded.add(id);
    }
    // First look, without locks: most VMs of a batch change nothing (no alert opens, moves or is
    // re-evaluated), and those need no transaction at all.
    const [open, rules] = await Promise.all([openAlertsOfVms(this.db, [...byVm.keys()]), rulesForVms(this.db, [...byVm.keys()], orgIds)]);
    const openOf = groupByVm(open);
    const now = new Date();
    const rulesOf = ruleLookup(rules);
    const evaluate = (vm: EvaluatedVm, alerts: readonly Alert[], known: readonly AlertRule[] = rules) =>
      evaluateVm(
        vm,
        byVm.get(vm.vmId) ?? [],
        known === rules ? rulesOf(vm.vmId, vm.organizationId) : effectiveRules(vm.vmId, vm.organizationId, known),
        alerts,
        now,
        newId,
      );
    // The first look takes each VM's organisation from its samples (the inventory's at lookup); the locked
    // pass decides on the inventory's, read under lock.
    const contested: string[] = [];
    for (const [vmId, list] of byVm) {
      const organizationId = list[0]!.organizationId;
      const alerts = openOf.get(vmId);
      // No open alert: evaluateVm would only open one, which takes a breaching sample.
      const changes = alerts ? changesAnything(evaluate({ vmId, organizationId, orgPath: [] }, alerts)) : anyBreach(list, rulesOf(vmId, organizationId));
      if (changes) contested.push(vmId);
    }
    if (contested.length === 0) return;
    // Then, for the VMs that change, the locked pass: last-seen rows locked (concurrent batches of one VM
    // take turns, and the no-data scan skips them), open alerts re-read under lock, evaluated again.
    const logged = await inTransaction(this.db, async (trx) => {
      const vms = await recordSeen(
        trx,
        contested.map((vmId) => ({ vmId, at: byVm.get(vmId)!.at(-1)!.at })),
        this.seenGranularitySeconds,
      );
      // The VMs' organisations as the inventory has them (not as the samples said) decide which defaults apply.
      const moved = [...new Set(vms.map((v) => v.organizationId))].filter((id) => !orgIds.includes(id));
      const lockedRules =
        moved.length > 0
          ? [
              ...rules,
              ...(
                await rulesForVms(
                  trx,
                  vms.map((v) => v.vmId),
                  moved,
                )
              ).filter((r) => r.vmId === null),
            ]
          : rules;
      const lockedOpenOf = groupByVm(
        await lockOpenAlerts(
          trx,
          vms.map((v) => v.vmId),
        ),
      );
      const updates: Alert[] = [];
      const inserts: Alert[] = [];
      const transitions: AlertTransition[] = [];
      for (const vm of vms) {
        const open = lockedOpenOf.get(vm.vmId) ?? [];
        // Nothing to evaluate without an open alert or a breach (the first look saw one; what was locked decides).
        const effective = lockedRules === rules ? rulesOf(vm.vmId, vm.organizationId) : effectiveRules(vm.vmId, vm.organizationId, lockedRules);
        if (open.length === 0 && !anyBreach(byVm.get(vm.vmId) ?? [], effective)) continue;
        const result = evaluate(vm, open, lockedRules);
        updates.push(...result.updates);
        inserts.push(...result.inserts);
        transitions.push(...result.transitions);
      }
      // Updates first: an alert resolved in this batch frees its (rule, VM) for a new one inserted after it.
      await updateAlerts(trx, updates);
      const inserted = await insertAlerts(trx, inserts);
      const skipped = new Set(inserts.filter((a) => !inserted.has(a.id)).map((a) => a.id));
      return logTransitions(
        trx,
        transitions.filter((t) => !skipped.has(t.alertId)),
      );
    });
    await this.transitions.notify(logged satisfies LoggedAlertTransition[]);
  }
}

const changesAnything = (r: ReturnType<typeof evaluateVm>) => r.updates.length > 0 || r.inserts.length > 0 || r.transitions.length > 0;

function anyBreach(samples: readonly IngestedSample[], rules: readonly AlertRule[]): boolean {
  for (const rule of rules) {
    for (const s of samples) {
      const value = s.values[rule.metric];
      if (value !== undefined && breaches(rule.comparator, value, rule.threshold)) return true;
    }
  }
  return false;
}

/**
 * effectiveRules for many VMs of a batch: a VM without overrides of its own has its organisation's
 * defaults, worked out once per organisation.
 */
function ruleLookup(rules: readonly AlertRule[]): (vmId: string, organizationId: string) => AlertRule[] {
  const overridden = new Set<string>();
  for (const r of rules) if (r.vmId !== null) overridden.add(r.vmId);
  const defaults = new Map<string, AlertRule[]>();
  return (vmId, organizationId) => {
    if (overridden.has(vmId)) return effectiveRules(vmId, organizationId, rules);
    let list = defaults.get(organizationId);
    if (!list) defaults.set(organizationId, (list = effectiveRules(vmId, organizationId, rules)));
    return list;
  };
}

/** A VM has a few open alerts at most. */
function groupByVm(alerts: readonly Alert[]): Map<string, Alert[]> {
  const out = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = out.get(a.vmId);
    if (list) list.push(a);
    else out.set(a.vmId, [a]);
  }
  return out;
}
