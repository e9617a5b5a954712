import { newId, plainArrayLiteral } from '@platform/kernel';
import type { EventContracts } from '@platform/events';
import { sql, type Transaction } from 'kysely';
import type { Alert, AlertKind, AlertStatus, AlertTransition, LoggedAlertTransition } from '../domain/alerts/alert.ts';
import type { EvaluatedVm } from '../domain/alerts/evaluation.ts';
import type { AlertSeverity, MetricName } from '../domain/telemetry/samples.ts';
import { alertFromRow, rowFromAlert, type AlertRow } from './alert-rows.ts';
import type { VmsDatabase, VmsDb } from './types.ts';

type Trx = Transaction<VmsDatabase>;

/** The open alerts of these VMs, row-locked (an acknowledgement waits for the evaluation, and the other way round). */
export async function lockOpenAlerts(trx: Trx, vmIds: readonly string[]): Promise<Alert[]> {
  if (vmIds.length === 0) return [];
  const { rows } = await sql<AlertRow>`
    select * from alerts where vm_id = any(${[...vmIds]}::uuid[]) and status <> 'RESOLVED' order by id for update`.execute(trx);
  return rows.map(alertFromRow);
}

/** Writes back alerts changed by an evaluation, in ONE statement however many. */
export async function updateAlerts(trx: Trx, alerts: readonly Alert[]): Promise<void> {
  if (alerts.length === 0) return;
  const json = JSON.stringify(alerts.map(rowFromAlert));
  await sql`
    update alerts a set
      status = v.status, value = v.value, fired_at = v.fired_at, respond_by = v.respond_by,
      resolved_at = v.resolved_at, resolution = v.resolution, evaluated_at = v.evaluated_at,
      clear_since = v.clear_since, updated_at = now()
    from jsonb_to_recordset(${json}::jsonb) as v(
      id uuid, status text, value double precision, fired_at timestamptz, respond_by timestamptz,
      resolved_at timestamptz, resolution text, evaluated_at timestamptz, clear_since timestamptz)
    where a.id = v.id`.execute(trx);
}

/**
 * Inserts new alerts in ONE statement. An alert whose (rule, VM) already has an open one is skipped by the
 * partial unique index (the backstop behind the last-seen lock); returns the ids actually inserted.
 */
export async function insertAlerts(trx: Trx, alerts: readonly Alert[]): Promise<Set<string>> {
  if (alerts.length === 0) return new Set();
  const rows = await trx
    .insertInto('alerts')
    .values(alerts.map(rowFromAlert))
    .onConflict((oc) => oc.columns(['rule_key', 'vm_id']).where('status', '<>', 'RESOLVED').doNothing())
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Appends transitions to alert_events (the replay log, seq ordered) and to the outbox as
 * `vms.alert.changed`, two statements however many, in the caller's transaction.
 */
export async function logTransitions(trx: Trx, transitions: readonly AlertTransition[]): Promise<LoggedAlertTransition[]> {
  if (transitions.length === 0) return [];
  const rows = await trx
    .insertInto('alert_events')
    .values(
      transitions.map((t) => ({
        alert_id: t.alertId,
        organization_id: t.organizationId,
        org_path: [...t.orgPath],
        vm_id: t.vmId,
        from_status: t.fromStatus,
        to_status: t.toStatus,
        severity: t.severity,
        at: t.at,
      })),
    )
    .returning(['seq'])
    .execute();
  const logged = transitions.map((t, i): LoggedAlertTransition => ({ ...t, seq: String(rows[i]!.seq) }));
  await trx
    .insertInto('outbox')
    .values(logged.map((t) => ({ id: newId(), topic: 'vms.alert.changed', payload: JSON.stringify(alertChangedPayload(t)) })))
    .execute();
  return logged;
}

export function alertChangedPayload(t: LoggedAlertTransition): EventContracts['vms.alert.changed'] {
  return {
    alertId: t.alertId,
    organizationId: t.organizationId,
    vmId: t.vmId,
    ruleId: t.ruleId,
    kind: t.kind,
    metric: t.metric,
    fromStatus: t.fromStatus,
    toStatus: t.toStatus,
    severity: t.severity,
    at: t.at.toISOString(),
    seq: t.seq,
  };
}

export async function findAlertsByIds(db: VmsDb, ids: readonly string[]): Promise<Alert[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(alertFromRow);
}

export interface AlertFilter {
  readonly status: readonly AlertStatus[] | null;
  readonly severity: readonly AlertSeverity[] | null;
  readonly vmId: string | null;
}

export interface AlertPageQuery {
  /** Parents are organisations (SELF or SUBTREE) or VMs. */
  readonly parent: 'SELF' | 'SUBTREE' | 'VM';
  readonly filter: AlertFilter;
  readonly fetch: number;
  readonly after: string | null;
}

/** A page of alerts (newest first: uuid v7 ids) for each parent, in ONE statement. */
export async function alertPages(db: VmsDb, parentIds: readonly string[], q: AlertPageQuery): Promise<Map<string, Alert[]>> {
  const conditions = [q.parent === 'SELF' ? sql`a.organization_id = p.id` : q.parent === 'SUBTREE' ? sql`a.org_path @> array[p.id]` : sql`a.vm_id = p.id`];
  if (q.filter.status) conditions.push(sql`a.status = any(${[...q.filter.status]}::text[])`);
  if (q.filter.severity) conditions.push(sql`a.severity = any(${[...q.filter.severity]}::text[])`);
  if (q.filter.vmId) conditions.push(sql`a.vm_id = ${q.filter.vmId}::uuid`);
  if (q.after) conditions.push(sql`a.id < ${q.after}::uuid`);
  const { rows } = await sql<AlertRow & { parent_id: string }>`
    select x.*, p.id as parent_id from unnest(${[...parentIds]}::uuid[]) as p(id)
    cross join lateral (
      select a.* from alerts a where ${sql.join(conditions, sql` and `)} order by a.id desc limit ${q.fetch}
    ) x`.execute(db);
  const pages = new Map<string, Alert[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) pages.get(row.parent_id)?.push(alertFromRow(row));
  return pages;
}

/**
 * The open alerts of many VMs, in ONE statement without locks (VM health; alert evaluation's first look): an
 * array parameter, so a batch of thousands of VMs is one probe each into the partial index of open alerts.
 */
export async function openAlertsOfVms(db: VmsDb, vmIds: readonly string[]): Promise<Alert[]> {
  if (vmIds.length === 0) return [];
  const { rows } = await sql<AlertRow>`
    select * from alerts where vm_id = any(${plainArrayLiteral(vmIds)}::uuid[]) and status <> 'RESOLVED' order by id`.execute(db);
  return rows.map(alertFromRow);
}

/**
 * Transitions after `afterSeq`, oldest first, of alerts in these organisations (SELF) or anywhere below them
 * (SUBTREE): the replay a subscription resumes from a cursor with.
 */
export async function listTransitionsAfter(
  db: VmsDb,
  organizationIds: readonly string[],
  afterSeq: string,
  limit: number,
  scope: 'SELF' | 'SUBTREE' = 'SELF',
): Promise<LoggedAlertTransition[]> {
  if (organizationIds.length === 0) return [];
  const { rows } = await sql<{
    seq: string;
    alert_id: string;
    organization_id: string;
    org_path: string[];
    vm_id: string;
    from_status: string | null;
    to_status: string;
    severity: string;
    at: Date;
    rule_id: string | null;
    kind: string;
    metric: string | null;
  }>`
    select e.*, a.rule_id, a.kind, a.metric from alert_events e join alerts a on a.id = e.alert_id
    where ${scope === 'SELF' ? sql`e.organization_id = any(${[...organizationIds]}::uuid[])` : sql`e.org_path && ${[...organizationIds]}::uuid[]`}
      and e.seq > ${afterSeq}::bigint
    order by e.seq limit ${limit}`.execute(db);
  return rows.map((r) => ({
    seq: String(r.seq),
    alertId: r.alert_id,
    organizationId: r.organization_id,
    orgPath: r.org_path,
    vmId: r.vm_id,
    ruleId: r.rule_id,
    kind: r.kind as AlertKind,
    metric: r.metric as MetricName | null,
    severity: r.severity as AlertSeverity,
    fromStatus: r.from_status as AlertStatus | null,
    toStatus: r.to_status as AlertStatus,
    at: new Date(r.at),
  }));
}

/** FIRING → ACKNOWLEDGED as a compare-and-set; the alert as it is now when the status was not FIRING. */
export async function acknowledgeAlertRow(trx: Trx, id: string, by: string, at: Date): Promise<{ alert: Alert; changed: boolean } | null> {
  const row = await trx
    .updateTable('alerts')
    .set({ status: 'ACKNOWLEDGED', acknowledged_at: at, acknowledged_by: by, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'FIRING')
    .returningAll()
    .executeTakeFirst();
  if (row) return { alert: alertFromRow(row), changed: true };
  const now = await trx.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return now ? { alert: alertFromRow(now), changed: false } : null;
}

/** Resolves the open alerts of these rules (a rule changed or was deleted), returning them as they were. */
export async function resolveOpenOfRules(trx: Trx, ruleIds: readonly string[], at: Date): Promise<Alert[]> {
  if (ruleIds.length === 0) return [];
  const { rows } = await sql<AlertRow>`
    with old as (select * from alerts where rule_key = any(${[...ruleIds]}::text[]) and status <> 'RESOLVED' for update)
    update alerts a set status = 'RESOLVED', resolved_at = ${at}, resolution = 'RULE_CHANGED', updated_at = ${at}
    from old where a.id = old.id
    returning old.*`.execute(trx);
  return rows.map(alertFromRow);
}

/**
 * RUNNING VMs whose newest recorded sample is older than `silentSince`, not (re)started after `startedBefore`,
 * with no open "no data" alert: row-locked, skipping VMs an evaluation holds, so replicas never raise one twice.
 */
export async function lockSilentVms(trx: Trx, silentSince: Date, startedBefore: Date, limit: number): Promise<(EvaluatedVm & { lastSampleAt: Date })[]> {
  const { rows } = await sql<{ vm_id: string; organization_id: string; org_path: string[]; last_sample_at: Date }>`
    select s.vm_id, s.organization_id, s.org_path, s.last_sample_at
    from vm_telemetry_seen s join virtual_machines vm on vm.id = s.vm_id
    where s.last_sample_at < ${silentSince} and vm.status = 'RUNNING' and vm.updated_at < ${startedBefore}
      and not exists (select 1 from alerts a where a.vm_id = s.vm_id and a.rule_key = 'no-data' and a.status <> 'RESOLVED')
    order by s.last_sample_at limit ${limit}
    for update of s skip locked`.execute(trx);
  return rows.map((r) => ({ vmId: r.vm_id, organizationId: r.organization_id, orgPath: r.org_path, lastSampleAt: new Date(r.last_sample_at) }));
}

/** Open alerts of VMs that are no longer RUNNING (stopped, suspended, deleted): they can neither clear nor report. */
export async function lockOpenAlertsOfIdleVms(trx: Trx, limit: number): Promise<Alert[]> {
  const { rows } = await sql<AlertRow>`
    select a.* from alerts a join virtual_machines vm on vm.id = a.vm_id
    where a.status <> 'RESOLVED' and vm.status <> 'RUNNING'
    order by a.id limit ${limit}
    for update of a skip locked`.execute(trx);
  return rows.map(alertFromRow);
}

/** Each logged transition's organisation path (root first), by seq: what a live SUBTREE subscription filters on. */
export async function orgPathsOfSeqs(db: VmsDb, seqs: readonly string[]): Promise<Map<string, string[]>> {
  if (seqs.length === 0) return new Map();
  const { rows } = await sql<{ seq: string; org_path: string[] }>`
    select seq::text as seq, org_path from alert_events where seq = any(${[...seqs]}::bigint[])`.execute(db);
  return new Map(rows.map((r) => [r.seq, r.org_path]));
}

/** The highest seq logged (0 when none): where an `alertEvents` subscription without a cursor starts. */
export async function latestTransitionSeq(db: VmsDb): Promise<string> {
  const { rows } = await sql<{ seq: string | null }>`select max(seq)::text as seq from alert_events`.execute(db);
  return rows[0]?.seq ?? '0';
}
