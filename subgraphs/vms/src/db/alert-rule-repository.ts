import { newId, plainArrayLiteral } from '@platform/kernel';
import { sql, type Transaction } from 'kysely';
import type { AlertRule } from '../domain/alerts/alert.ts';
import type { RuleCondition } from '../domain/alerts/rules.ts';
import { ruleFromRow, type AlertRuleRow } from './alert-rows.ts';
import type { VmsDatabase, VmsDb } from './types.ts';

type Trx = Transaction<VmsDatabase>;

/**
 * Gives each organisation that never had them its default rules, in ONE statement: the seed marker and
 * the rules go in together, and an organisation already marked (even one whose admins deleted every
 * rule since) gets nothing. Returns how many organisations were seeded.
 */
export async function seedDefaultRules(db: VmsDb, organizationIds: readonly string[], defaults: readonly RuleCondition[]): Promise<number> {
  if (organizationIds.length === 0 || defaults.length === 0) return 0;
  // Ids made here (uuid v7, like every id) for each candidate; only the fresh organisations' are used.
  const orgs = [...new Set(organizationIds)];
  const json = JSON.stringify(orgs.flatMap((org) => defaults.map((d) => ({ ...d, id: newId(), organization_id: org, for_seconds: d.forSeconds }))));
  const { rows } = await sql<{ n: string }>`
    with fresh as (
      insert into alert_rule_seeds (organization_id)
      select o from unnest(${orgs}::uuid[]) as o
      on conflict do nothing
      returning organization_id
    ), added as (
      insert into alert_rules (id, organization_id, metric, comparator, threshold, for_seconds, severity, enabled)
      select d.id, d.organization_id, d.metric, d.comparator, d.threshold, d.for_seconds, d.severity, d.enabled
      from jsonb_to_recordset(${json}::jsonb) as d(id uuid, organization_id uuid, metric text, comparator text, threshold double precision, for_seconds int, severity text, enabled boolean)
      join fresh f on f.organization_id = d.organization_id
      returning organization_id
    )
    select count(distinct organization_id) as n from added`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Every rule that may apply to these VMs: their overrides and their organisations' defaults, ONE statement. */
export async function rulesForVms(db: VmsDb, vmIds: readonly string[], organizationIds: readonly string[]): Promise<AlertRule[]> {
  if (vmIds.length === 0) return [];
  const { rows } = await sql<AlertRuleRow>`
    select * from alert_rules
    where vm_id = any(${plainArrayLiteral(vmIds)}::uuid[]) or (vm_id is null and organization_id = any(${plainArrayLiteral(organizationIds)}::uuid[]))`.execute(
    db,
  );
  return rows.map(ruleFromRow);
}

export async function findRulesByIds(db: VmsDb, ids: readonly string[]): Promise<AlertRule[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(ruleFromRow);
}

export async function countRulesOf(trx: Trx, organizationId: string): Promise<number> {
  const row = await trx
    .selectFrom('alert_rules')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertRule(trx: Trx, rule: { organizationId: string; vmId: string | null } & RuleCondition): Promise<AlertRule> {
  const row = await trx
    .insertInto('alert_rules')
    .values({
      id: newId(),
      organization_id: rule.organizationId,
      vm_id: rule.vmId,
      metric: rule.metric,
      comparator: rule.comparator,
      threshold: rule.threshold,
      for_seconds: rule.forSeconds,
      severity: rule.severity,
      enabled: rule.enabled,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return ruleFromRow(row);
}

/** Locks a rule for a change (an update and a delete of the same rule serialise). */
export async function lockRule(trx: Trx, id: string): Promise<AlertRule | null> {
  const row = await trx.selectFrom('alert_rules').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? ruleFromRow(row) : null;
}

export async function updateRule(trx: Trx, id: string, condition: RuleCondition, at: Date): Promise<AlertRule> {
  const row = await trx
    .updateTable('alert_rules')
    .set({
      metric: condition.metric,
      comparator: condition.comparator,
      threshold: condition.threshold,
      for_seconds: condition.forSeconds,
      severity: condition.severity,
      enabled: condition.enabled,
      updated_at: at,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return ruleFromRow(row);
}

export async function deleteRule(trx: Trx, id: string): Promise<void> {
  await trx.deleteFrom('alert_rules').where('id', '=', id).execute();
}

/** A page of rules (oldest first, by id) of each organisation, overrides of its VMs included, in ONE statement. */
export async function rulePagesOfOrganizations(db: VmsDb, orgIds: readonly string[], fetch: number, after: string | null): Promise<Map<string, AlertRule[]>> {
  const { rows } = await sql<AlertRuleRow>`
    select r.* from unnest(${[...orgIds]}::uuid[]) as o(id)
    cross join lateral (
      select * from alert_rules ar where ar.organization_id = o.id ${after ? sql`and ar.id > ${after}::uuid` : sql``}
      order by ar.id limit ${fetch}
    ) r`.execute(db);
  const pages = new Map<string, AlertRule[]>(orgIds.map((id) => [id, []]));
  for (const row of rows) pages.get(row.organization_id)?.push(ruleFromRow(row));
  return pages;
}
