import { badInput, fail, inTransaction } from '@platform/kernel';
import type { Kysely, Transaction } from 'kysely';
import {
  acknowledgeAlertRow,
  alertPages,
  findAlertsByIds,
  latestTransitionSeq,
  listTransitionsAfter,
  logTransitions,
  openAlertsOfVms,
  resolveOpenOfRules,
  type AlertPageQuery,
} from '../../db/alert-repository.ts';
import {
  countRulesOf,
  deleteRule,
  findRulesByIds,
  insertRule,
  lockRule,
  rulePagesOfOrganizations,
  seedDefaultRules,
  updateRule,
} from '../../db/alert-rule-repository.ts';
import type { VmsDatabase } from '../../db/types.ts';
import type { OpenAlertsSource, OpenAlertSummary } from '../telemetry/samples.ts';
import { alertTitle, transitionOf, type Alert, type AlertRule, type LoggedAlertTransition } from './alert.ts';
import { DEFAULT_RULES, MAX_RULES_PER_ORGANIZATION, type RuleCondition } from './rules.ts';
import type { AlertTransitions } from './transitions.ts';

export interface NewRule extends RuleCondition {
  readonly organizationId: string;
  readonly vmId: string | null;
}

/**
 * Alerts and rules as people handle them: acknowledging, managing rules (a changed or deleted rule
 * resolves its open alerts as RULE_CHANGED: they were raised on a condition that no longer stands), and
 * the batched reads behind resolvers, VM health (OpenAlertsSource) and subscription replay.
 */
export class Alerts implements OpenAlertsSource {
  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly transitions: AlertTransitions,
  ) {}

  byIds(ids: readonly string[]): Promise<Alert[]> {
    return findAlertsByIds(this.db, ids);
  }

  pages(parentIds: readonly string[], query: AlertPageQuery): Promise<Map<string, Alert[]>> {
    return alertPages(this.db, parentIds, query);
  }

  rulesByIds(ids: readonly string[]): Promise<AlertRule[]> {
    return findRulesByIds(this.db, ids);
  }

  /** Seeds defaults for organisations that never had rules, then a page of each one's rules. */
  async rulePages(orgIds: readonly string[], fetch: number, after: string | null): Promise<Map<string, AlertRule[]>> {
    await seedDefaultRules(this.db, orgIds, DEFAULT_RULES);
    return rulePagesOfOrganizations(this.db, orgIds, fetch, after);
  }

  async openAlertsFor(vmIds: readonly string[]): Promise<ReadonlyMap<string, readonly OpenAlertSummary[]>> {
    const open = await openAlertsOfVms(this.db, vmIds);
    const byVm = new Map<string, OpenAlertSummary[]>(vmIds.map((id) => [id, []]));
    for (const a of open) {
      if (a.status === 'RESOLVED') continue;
      byVm.get(a.vmId)?.push({ vmId: a.vmId, severity: a.severity, status: a.status, title: alertTitle(a) });
    }
    return byVm;
  }

  /** The transition log after a cursor (`seq`), oldest first: what a subscription replays on reconnect. */
  listAfter(organizationIds: readonly string[], afterSeq: string, limit: number, scope: 'SELF' | 'SUBTREE' = 'SELF'): Promise<LoggedAlertTransition[]> {
    if (!/^\d{1,19}$/.test(afterSeq)) throw badInput('after', 'must be a sequence number.');
    return listTransitionsAfter(this.db, organizationIds, afterSeq, Math.min(Math.max(limit, 1), 1000), scope);
  }

  /** The highest seq in the transition log (0 when empty): where a live-only subscription starts. */
  latestSeq(): Promise<string> {
    return latestTransitionSeq(this.db);
  }

  /**
   * FIRING → ACKNOWLEDGED, recording who. Acknowledging an acknowledged alert answers it unchanged;
   * PENDING (not yet fired) and RESOLVED are INVALID_STATE.
   */
  async acknowledge(alert: Alert, by: string): Promise<Alert> {
    const at = new Date();
    const result = await inTransaction(this.db, async (trx) => {
      const done = await acknowledgeAlertRow(trx, alert.id, by, at);
      if (!done) throw fail('NOT_FOUND', 'id: no alert you can see has this id.', { field: 'id' });
      if (!done.changed) return { alert: done.alert, logged: [] };
      return { alert: done.alert, logged: await logTransitions(trx, [transitionOf(done.alert, 'FIRING', 'ACKNOWLEDGED', at)]) };
    });
    const status = result.alert.status;
    if (status === 'PENDING') throw fail('INVALID_STATE', 'This alert is PENDING: it has not fired yet, so there is nothing to acknowledge.', { status });
    if (status === 'RESOLVED') throw fail('INVALID_STATE', 'This alert is RESOLVED already.', { status });
    await this.transitions.notify(result.logged);
    return result.alert;
  }

  async createRule(rule: NewRule): Promise<AlertRule> {
    // The defaults go in first, so an organisation's first own rule adds to them rather than replacing them.
    await seedDefaultRules(this.db, [rule.organizationId], DEFAULT_RULES);
    return inTransaction(this.db, async (trx) => {
      if ((await countRulesOf(trx, rule.organizationId)) >= MAX_RULES_PER_ORGANIZATION) {
        throw fail('CONFLICT', `An organisation may have at most ${MAX_RULES_PER_ORGANIZATION} alert rules; delete one first.`, {
          max: MAX_RULES_PER_ORGANIZATION,
        });
      }
      return insertRule(trx, rule);
    });
  }

  async updateRule(id: string, condition: RuleCondition): Promise<AlertRule> {
    return this.changeRule(id, async (trx, at) => updateRule(trx, id, condition, at));
  }

  async deleteRule(id: string): Promise<AlertRule> {
    return this.changeRule(id, async (trx, _at, before) => {
      await deleteRule(trx, id);
      return before;
    });
  }

  private async changeRule(id: string, change: (trx: Transaction<VmsDatabase>, at: Date, before: AlertRule) => Promise<AlertRule>): Promise<AlertRule> {
    const at = new Date();
    const { rule, logged } = await inTransaction(this.db, async (trx) => {
      const before = await lockRule(trx, id);
      if (!before) throw fail('NOT_FOUND', 'id: no alert rule you can see has this id.', { field: 'id' });
      const resolved = await resolveOpenOfRules(trx, [id], at);
      const logged = await logTransitions(
        trx,
        resolved.map((a) => transitionOf(a, a.status, 'RESOLVED', at)),
      );
      return { rule: await change(trx, at, before), logged };
    });
    await this.transitions.notify(logged);
    return rule;
  }
}
