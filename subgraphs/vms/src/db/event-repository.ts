import { sql, type Selectable } from 'kysely';
import type { VmEvent, VmEventKind, VmStatus } from '../domain/vm.ts';
import type { VmEventsTable, VmsDb } from './types.ts';

type EventRow = Selectable<VmEventsTable>;

const eventFromRow = (r: EventRow): VmEvent => ({
  id: r.id,
  vmId: r.vm_id,
  organizationId: r.organization_id,
  kind: r.kind as VmEventKind,
  fromStatus: r.from_status as VmStatus | null,
  toStatus: r.to_status as VmStatus,
  actor: r.actor,
  detail: r.detail,
  at: new Date(r.at),
});

/** Appends history lines (multi-row statements of `chunk` rows: PostgreSQL takes at most 65,535 parameters). */
export async function insertEvents(db: VmsDb, events: readonly VmEvent[], chunk = 1000): Promise<void> {
  for (let i = 0; i < events.length; i += chunk) await insertEventRows(db, events.slice(i, i + chunk));
}

async function insertEventRows(db: VmsDb, events: readonly VmEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('vm_events')
    .values(
      events.map((e) => ({
        id: e.id,
        vm_id: e.vmId,
        organization_id: e.organizationId,
        kind: e.kind,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        actor: e.actor,
        detail: e.detail,
        at: e.at,
      })),
    )
    .execute();
}

/** A page of history (newest first, by uuid v7 id) for each VM, in ONE statement. */
export async function eventPagesOfVms(db: VmsDb, vmIds: readonly string[], fetch: number, afterId: string | null): Promise<Map<string, VmEvent[]>> {
  const result = await sql<EventRow>`
    select e.* from unnest(${[...vmIds]}::uuid[]) as v(vm_id)
    cross join lateral (
      select * from vm_events ev
      where ev.vm_id = v.vm_id ${afterId ? sql`and ev.id < ${afterId}::uuid` : sql``}
      order by ev.id desc
      limit ${fetch}
    ) e`.execute(db);
  const pages = new Map<string, VmEvent[]>(vmIds.map((id) => [id, []]));
  for (const row of result.rows) pages.get(row.vm_id)?.push(eventFromRow(row));
  return pages;
}
