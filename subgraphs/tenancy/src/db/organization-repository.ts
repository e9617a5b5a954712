import type { OrgNode, Page, PageQuery } from '@platform/kernel';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Organization, OrganizationStatus, SubtreeFilter } from '../domain/organization.ts';
import { rankedWithin, rowAfter } from './batched-pages.ts';
import type { OrganizationsTable, TenancyDatabase } from './types.ts';

type Db = Kysely<TenancyDatabase> | Transaction<TenancyDatabase>;
/** Keyset for listing organisations: by name, then id. */
export type OrgCursor = [name: string, id: string];

const toOrganization = (row: Selectable<OrganizationsTable>): Organization => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  parentId: row.parent_id,
  ancestors: row.path,
  status: row.status,
  createdAt: row.created_at,
});

export async function findOrganizations(db: Db, ids: readonly string[]): Promise<Organization[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('organizations').selectAll().where('id', 'in', ids).execute();
  return rows.map(toOrganization);
}

/** Tree nodes with the nearest suspended organisation at or above each (null when all are active). One statement. */
export async function findOrgNodes(db: Db, ids: readonly string[]): Promise<OrgNode[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('organizations as o')
    .select(['o.id', 'o.kind', 'o.path'])
    .select(
      sql<
        string | null
      >`(select a.id from organizations a where a.status = 'SUSPENDED' and (a.id = o.id or a.id = any(o.path)) order by cardinality(a.path) desc limit 1)`.as(
        'suspended_by',
      ),
    )
    .where('o.id', 'in', ids)
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, ancestors: r.path, status: r.suspended_by ? 'SUSPENDED' : 'ACTIVE', suspendedBy: r.suspended_by }));
}

/** Locks the row until the transaction ends: serialises membership changes within one organisation. */
export async function lockOrganization(trx: Transaction<TenancyDatabase>, id: string): Promise<Organization | undefined> {
  const row = await trx.selectFrom('organizations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row && toOrganization(row);
}

export type NewOrganization = Pick<Organization, 'id' | 'kind' | 'name' | 'parentId' | 'ancestors'>;

export async function insertOrganization(trx: Transaction<TenancyDatabase>, org: NewOrganization): Promise<Organization> {
  return toOrganization(await insertRow(trx, org).returningAll().executeTakeFirstOrThrow());
}

/** Inserts unless the id exists already (seeding twice changes nothing); true when inserted. */
export async function insertOrganizationIfAbsent(trx: Transaction<TenancyDatabase>, org: NewOrganization): Promise<boolean> {
  const row = await insertRow(trx, org)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

const insertRow = (trx: Transaction<TenancyDatabase>, org: NewOrganization) =>
  trx.insertInto('organizations').values({ id: org.id, kind: org.kind, name: org.name, parent_id: org.parentId, path: [...org.ancestors] });

export async function updateOrganization(
  trx: Transaction<TenancyDatabase>,
  id: string,
  changes: { name?: string; status?: OrganizationStatus; suspended_by_service?: boolean },
): Promise<Organization> {
  const row = await trx
    .updateTable('organizations')
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toOrganization(row);
}

/** SUSPENDED → ACTIVE only when a service suspended it; null (nothing written) otherwise. */
export async function resumeServiceSuspension(trx: Transaction<TenancyDatabase>, id: string): Promise<Organization | null> {
  const row = await trx
    .updateTable('organizations')
    .set({ status: 'ACTIVE', suspended_by_service: false, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'SUSPENDED')
    .where('suspended_by_service', '=', true)
    .returningAll()
    .executeTakeFirst();
  return row ? toOrganization(row) : null;
}

/** One page of children for each parent, in a single statement. */
export async function childPages(db: Db, parentIds: readonly string[], { fetch, after }: PageQuery<OrgCursor>): Promise<Map<string, Organization[]>> {
  const ranked = db
    .selectFrom('organizations')
    .selectAll()
    .select(rankedWithin('parent_id', ['name', 'id']).as('rank'))
    .where('parent_id', 'in', parentIds)
    .$if(after !== null, (q) => q.where(rowAfter(['name', 'id'], after ?? [])));
  const rows = await db.selectFrom(ranked.as('ranked')).selectAll().where('rank', '<=', fetch).orderBy('parent_id').orderBy('rank').execute();
  const pages = new Map<string, Organization[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) pages.get(row.parent_id as string)?.push(toOrganization(row));
  return pages;
}

export async function countChildren(db: Db, parentIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('organizations')
    .select(['parent_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('parent_id', 'in', parentIds)
    .groupBy('parent_id')
    .execute();
  return new Map(rows.map((r) => [r.parent_id as string, Number(r.n)]));
}

function subtree(db: Db, filter: SubtreeFilter) {
  return db
    .selectFrom('organizations')
    .where((eb) => eb.or([eb('id', '=', filter.rootId), eb(sql`path`, '@>', sql`array[${filter.rootId}]::uuid[]`)]))
    .$if(Boolean(filter.kind), (q) => q.where('kind', '=', filter.kind!))
    .$if(Boolean(filter.search), (q) => q.where(sql`strpos(lower(name), lower(${filter.search}))`, '>', 0));
}

/** The root and everything below it, by name. */
export async function listSubtree(db: Db, filter: SubtreeFilter, { fetch, after }: Page<OrgCursor>): Promise<Organization[]> {
  const rows = await subtree(db, filter)
    .selectAll()
    .$if(after !== null, (q) => q.where(rowAfter(['name', 'id'], after ?? [])))
    .orderBy('name')
    .orderBy('id')
    .limit(fetch)
    .execute();
  return rows.map(toOrganization);
}

export async function countSubtree(db: Db, filter: SubtreeFilter): Promise<number> {
  const row = await subtree(db, filter)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
