import { inTransaction, newId } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertAlerts, lockOpenAlerts, logTransitions, recordSeen, updateAlerts } from '../../db/alert-repository.ts';
import { rulesForVms, seedDefaultRules } from '../../db/alert-rule-repository.ts';
import type { VmsDatabase } from '../../db/types.ts';
import type { IngestedSample, SampleListener } from '../telemetry/samples.ts';
import type { Alert, AlertTransition, LoggedAlertTransition } from './alert.ts';
import { evaluateVm } from './evaluation.ts';
import { DEFAULT_RULES, effectiveRules } from './rules.ts';
import type { AlertTransitions } from './transitions.ts';

/**
 * Evaluates alert rules as samples arrive (a SampleListener the ingest calls after committing a batch).
 * A batch costs a fixed number of statements whatever its size: seed defaults (only for organisations
 * this process has not seeded yet), then one transaction that records last-seen times (row-locking each
 * VM, so concurrent batches of one VM take turns), loads the rules of those VMs, locks their open alerts,
 * writes the changed and new alerts, and logs every transition to alert_events and the outbox. Listeners
 * hear the transitions after the commit.
 */
export class AlertEvaluator implements SampleListener {
  /** Organisations known to have been seeded (seeding is never undone): their batches skip the seed statement. */
  private readonly seeded = new Set<string>();

  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly transitions: AlertTransitions,
    /** How far a VM's stored last-seen time may lag its newest sample (see recordSeen); the no-data scan allows for it. */
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
    for (const list of byVm.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
    const orgIds = [...new Set(samples.map((s) => s.organizationId))];
    const unseeded = orgIds.filter((id) => !this.seeded.has(id));
    if (unseeded.length > 0) {
      await seedDefaultRules(this.db, unseeded, DEFAULT_RULES);
      for (const id of unseeded) this.seeded.add(id);
    }
    const logged = await inTransaction(this.db, async (trx) => {
      const vms = await recordSeen(
        trx,
        [...byVm].map(([vmId, list]) => ({ vmId, at: list[list.length - 1]!.at })),
        this.seenGranularitySeconds,
      );
      // The VMs' organisations as the inventory has them (not as the samples said) decide which defaults apply.
      const rules = await rulesForVms(
        trx,
        vms.map((v) => v.vmId),
        [...new Set(vms.map((v) => v.organizationId))],
      );
      const open = await lockOpenAlerts(
        trx,
        vms.map((v) => v.vmId),
      );
      const openOf = new Map<string, Alert[]>();
      for (const a of open) openOf.set(a.vmId, [...(openOf.get(a.vmId) ?? []), a]); // a VM has a few open alerts at most
      const now = new Date();
      const updates: Alert[] = [];
      const inserts: Alert[] = [];
      const transitions: AlertTransition[] = [];
      for (const vm of vms) {
        const result = evaluateVm(vm, byVm.get(vm.vmId) ?? [], effectiveRules(vm.vmId, vm.organizationId, rules), openOf.get(vm.vmId) ?? [], now, newId);
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
