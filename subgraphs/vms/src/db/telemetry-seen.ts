import { plainArrayLiteral } from '@platform/kernel';
import { sql, type RawBuilder } from 'kysely';
import type { EvaluatedVm } from '../domain/alerts/evaluation.ts';
import type { VmsDb } from './types.ts';

/**
 * vm_telemetry_seen: when each VM last reported, as ingest records it in the transaction that stores the
 * samples. The no-data scan reads it; alert evaluation row-locks it to take turns per VM.
 */

/** ISO texts of many instants, formatting each distinct one once (a batch's samples share a few). */
function isoTexts(dates: readonly Date[]): string[] {
  const texts = new Map<number, string>();
  return dates.map((d) => {
    let text = texts.get(d.getTime());
    if (text === undefined) texts.set(d.getTime(), (text = d.toISOString()));
    return text;
  });
}

/**
 * Records each VM's newest sample time, in ONE statement, and (with `answer`) answers the VMs as the
 * inventory knows them (unknown VMs left out). The upsert row-locks each VM's last-seen row, in id order,
 * whether or not it writes it: that lock serialises two writers of the same VM until their transactions
 * end. The time is only written when it moved on by at least `granularitySeconds` (most batches then write
 * nothing), so the stored time lags the newest sample by less than that.
 */
export function seenUpsert(seen: readonly { vmId: string; at: Date }[], granularitySeconds: number, answer: boolean): RawBuilder<SeenRow> {
  const sorted = [...seen].sort((a, b) => (a.vmId < b.vmId ? -1 : a.vmId > b.vmId ? 1 : 0));
  return sql<SeenRow>`
    with known as (
      select vm.id as vm_id, vm.organization_id, vm.org_path, u.at, u.n
      from unnest(${plainArrayLiteral(sorted.map((s) => s.vmId))}::uuid[], ${plainArrayLiteral(isoTexts(sorted.map((s) => s.at)))}::timestamptz[]) with ordinality as u(vm_id, at, n)
      join virtual_machines vm on vm.id = u.vm_id
    ), upserted as (
      insert into vm_telemetry_seen (vm_id, organization_id, org_path, last_sample_at)
      select vm_id, organization_id, org_path, at from known order by n
      on conflict (vm_id) do update set last_sample_at = excluded.last_sample_at
        where vm_telemetry_seen.last_sample_at <= excluded.last_sample_at - make_interval(secs => ${granularitySeconds})
    )
    ${answer ? sql`select vm_id, organization_id, org_path from known order by n` : sql`select vm_id, organization_id, org_path from known limit 0`}`;
}

interface SeenRow {
  vm_id: string;
  organization_id: string;
  org_path: string[];
}

/** seenUpsert, run; answers the VMs (see there). */
export async function recordSeen(db: VmsDb, seen: readonly { vmId: string; at: Date }[], granularitySeconds: number): Promise<EvaluatedVm[]> {
  if (seen.length === 0) return [];
  const { rows } = await seenUpsert(seen, granularitySeconds, true).execute(db);
  return rows.map((r) => ({ vmId: r.vm_id, organizationId: r.organization_id, orgPath: r.org_path }));
}
