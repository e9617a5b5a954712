import type { PageQuery, Role } from '@platform/kernel';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Membership } from '../domain/membership.ts';
import { rankedWithin, rowAfter, type SortKey } from './batched-pages.ts';
import type { MembershipsTable, TenancyDatabase } from './types.ts';

type Db = Kysely<TenancyDatabase> | Transaction<TenancyDatabase>;
/** Keyset for listing members: by join time, then id. */
export type MemberCursor = [createdAt: string, id: string];

/**
 * created_at holds microseconds but a cursor carries a JavaScript Date (milliseconds, truncated by
 * pg). Ordering and comparing at the cursor's precision keeps a page's last row from sorting after
 * its own cursor and coming back on the next page (rows joined in one transaction share created_at).
 */
const MEMBER_ORDER: readonly SortKey[] = [sql`date_trunc('milliseconds', created_at)`, 'id'];

const toMembership = (row: Selectable<MembershipsTable>): Membership => ({
  id: row.id,
  userId: row.user_id,
  organizationId: row.organization_id,
  role: row.role,
  createdAt: row.created_at,
});

/** Every membership of these users, oldest first (a user has few). */
export async function membershipsOfUsers(db: Db, userIds: readonly string[]): Promise<Membership[]> {
  if (userIds.length === 0) return [];
  const rows = await db.selectFrom('memberships').selectAll().where('user_id', 'in', userIds).orderBy('created_at').orderBy('id').execute();
  return rows.map(toMembership);
}

/** The same, per user (every id a key, possibly with no memberships). */
export async function membershipsByUser(db: Db, userIds: readonly string[]): Promise<Map<string, Membership[]>> {
  const byUser = new Map<string, Membership[]>(userIds.map((id) => [id, []]));
  for (const m of await membershipsOfUsers(db, userIds)) byUser.get(m.userId)?.push(m);
  return byUser;
}

export async function findMembership(trx: Transaction<TenancyDatabase>, organizationId: string, userId: string): Promise<Membership | undefined> {
  const row = await trx.selectFrom('memberships').selectAll().where('organization_id', '=', organizationId).where('user_id', '=', userId).executeTakeFirst();
  return row && toMembership(row);
}

export type NewMembership = Pick<Membership, 'id' | 'userId' | 'organizationId' | 'role'>;

export async function insertMembership(trx: Transaction<TenancyDatabase>, m: NewMembership): Promise<Membership> {
  return toMembership(await insertRow(trx, m).returningAll().executeTakeFirstOrThrow());
}

/** Inserts unless the user is a member already (whatever the role); true when inserted. */
export async function insertMembershipIfAbsent(trx: Transaction<TenancyDatabase>, m: NewMembership): Promise<boolean> {
  const row = await insertRow(trx, m)
    .onConflict((oc) => oc.constraint('memberships_one_per_org').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

const insertRow = (trx: Transaction<TenancyDatabase>, m: NewMembership) =>
  trx.insertInto('memberships').values({ id: m.id, user_id: m.userId, organization_id: m.organizationId, role: m.role });

export async function setMembershipRole(trx: Transaction<TenancyDatabase>, id: string, role: Role): Promise<Membership> {
  const row = await trx.updateTable('memberships').set({ role }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toMembership(row);
}

export async function deleteMembership(trx: Transaction<TenancyDatabase>, id: string): Promise<void> {
  await trx.deleteFrom('memberships').where('id', '=', id).execute();
}

export async function countOwners(trx: Transaction<TenancyDatabase>, organizationId: string): Promise<number> {
  const row = await trx
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'OWNER')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of members for each organisation, in a single statement. */
export async function memberPages(db: Db, organizationIds: readonly string[], { fetch, after }: PageQuery<MemberCursor>): Promise<Map<string, Membership[]>> {
  const ranked = db
    .selectFrom('memberships')
    .selectAll()
    .select(rankedWithin('organization_id', MEMBER_ORDER).as('rank'))
    .where('organization_id', 'in', organizationIds)
    .$if(after !== null, (q) => q.where(rowAfter(MEMBER_ORDER, after ? [new Date(after[0]), after[1]] : [])));
  const rows = await db.selectFrom(ranked.as('ranked')).selectAll().where('rank', '<=', fetch).orderBy('organization_id').orderBy('rank').execute();
  const pages = new Map<string, Membership[]>(organizationIds.map((id) => [id, []]));
  for (const row of rows) pages.get(row.organization_id)?.push(toMembership(row));
  return pages;
}

export async function countMembers(db: Db, organizationIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('memberships')
    .select(['organization_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('organization_id', 'in', organizationIds)
    .groupBy('organization_id')
    .execute();
  return new Map(rows.map((r) => [r.organization_id, Number(r.n)]));
}
