import { inTransaction, newId } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertAlerts, lockOpenAlertsOfIdleVms, lockSilentVms, logTransitions, updateAlerts } from '../../db/alert-repository.ts';
import type { VmsDatabase } from '../../db/types.ts';
import { NO_DATA_KEY, transitionOf, type Alert, type AlertTransition } from './alert.ts';
import { respondBy } from './respond-by.ts';
import type { AlertTransitions } from './transitions.ts';

export interface NoDataOptions {
  /** A RUNNING VM silent this long gets a "no data" alert. */
  readonly afterSeconds: number;
  /** How far a stored last-seen time may lag the newest sample (the evaluator's granularity). */
  readonly seenGranularitySeconds: number;
  /** At most this many VMs per pass (the next pass takes the rest). */
  readonly batch?: number;
}

/** The severity of a "no data" alert: a running VM nobody can see is as urgent as one running hot. */
export const NO_DATA_SEVERITY = 'HIGH';

/**
 * The periodic half of alerting (the rest runs as samples arrive): a RUNNING VM that reported before and
 * has been silent for `afterSeconds` (up to `seenGranularitySeconds` more, see seenUpsert) gets a FIRING "no data" alert instead of charts that quietly show
 * nothing; the evaluator resolves it when data returns. Open alerts of VMs no longer RUNNING are resolved
 * here too (VM_NOT_RUNNING): a stopped VM can neither clear them nor report.
 */
export class NoDataScanner {
  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly transitions: AlertTransitions,
    private readonly options: NoDataOptions,
  ) {}

  /** One pass at `now`; returns how many transitions it made. */
  async scan(now: Date = new Date()): Promise<number> {
    const limit = this.options.batch ?? 1000;
    // The stored time may lag by up to the granularity: allowing for it, no alert comes early (at most that much late).
    const silentSince = new Date(now.getTime() - (this.options.afterSeconds + this.options.seenGranularitySeconds) * 1000);
    const startedBefore = new Date(now.getTime() - this.options.afterSeconds * 1000);
    const logged = await inTransaction(this.db, async (trx) => {
      const transitions: AlertTransition[] = [];
      const idle = await lockOpenAlertsOfIdleVms(trx, limit);
      const resolved = idle.map((a): Alert => ({ ...a, status: 'RESOLVED', resolvedAt: now, resolution: 'VM_NOT_RUNNING' }));
      await updateAlerts(trx, resolved);
      for (const a of idle) transitions.push(transitionOf(a, a.status, 'RESOLVED', now));

      const silent = await lockSilentVms(trx, silentSince, startedBefore, limit);
      const raised = silent.map((vm): Alert => ({
        id: newId(),
        organizationId: vm.organizationId,
        orgPath: vm.orgPath,
        vmId: vm.vmId,
        kind: 'NO_DATA',
        ruleKey: NO_DATA_KEY,
        ruleId: null,
        metric: null,
        comparator: null,
        threshold: null,
        forSeconds: this.options.afterSeconds,
        severity: NO_DATA_SEVERITY,
        status: 'FIRING',
        value: null,
        startedAt: vm.lastSampleAt,
        firedAt: now,
        respondBy: respondBy(NO_DATA_SEVERITY, now),
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolution: null,
        evaluatedAt: vm.lastSampleAt,
        clearSince: null,
      }));
      const inserted = await insertAlerts(trx, raised);
      for (const a of raised) if (inserted.has(a.id)) transitions.push(transitionOf(a, null, 'FIRING', now));
      return logTransitions(trx, transitions);
    });
    await this.transitions.notify(logged);
    return logged.length;
  }
}
