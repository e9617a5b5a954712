import { type Access, canGrantRole, fail, isUniqueViolation, newId, parseId, type Role } from '@platform/kernel';
import type { Kysely, Transaction } from 'kysely';
import { countOwners, deleteMembership, findMembership, insertMembership, membershipsOfUsers, setMembershipRole } from '../db/membership-repository.ts';
import { lockOrganization } from '../db/organization-repository.ts';
import type { TenancyDatabase } from '../db/types.ts';
import type { Membership } from './membership.ts';
import { requireRole } from './validate.ts';

/** Checks the caller administers the org and may grant `role` (never above its own). */
async function assertMayGrant(access: Access, organizationId: string, role: Role): Promise<void> {
  await access.assertRole(organizationId, 'ADMIN');
  const caller = access.requireMember();
  if (!canGrantRole(caller.role, role)) throw fail('FORBIDDEN', `A ${caller.role} cannot grant the ${role} role.`);
}

/** Locks the organisation (serialising changes to its members) and loads the member or NOT_FOUND. */
async function lockMember(trx: Transaction<TenancyDatabase>, organizationId: string, userId: string): Promise<Membership> {
  if (!(await lockOrganization(trx, organizationId))) throw fail('NOT_FOUND', 'Organization not found.');
  const member = await findMembership(trx, organizationId, userId);
  if (!member) throw fail('NOT_FOUND', 'userId: this user is not a member of the organization.', { field: 'userId' });
  return member;
}

async function assertNotLastOwner(trx: Transaction<TenancyDatabase>, member: Membership, action: string): Promise<void> {
  if (member.role === 'OWNER' && (await countOwners(trx, member.organizationId)) <= 1) {
    throw fail('INVALID_STATE', `Cannot ${action} the last OWNER of the organization; make someone else OWNER first.`);
  }
}

/**
 * Adds an existing user the caller can already see (a member somewhere in its subtree): otherwise
 * adding a stranger by id would make that stranger visible. New people come in through createUser.
 */
export async function addMember(db: Kysely<TenancyDatabase>, access: Access, args: { organizationId: string; userId: string; role: string }): Promise<Membership> {
  const organizationId = parseId(args.organizationId, 'organizationId');
  const userId = parseId(args.userId, 'userId');
  const role = requireRole(args.role, 'role');
  await assertMayGrant(access, organizationId, role);
  const existing = await membershipsOfUsers(db, [userId]);
  if ((await access.filterVisible(existing.map((m) => m.organizationId))).length === 0) {
    throw fail('NOT_FOUND', 'userId: no such user in your organisations.', { field: 'userId' });
  }
  return db.transaction().execute(async (trx) => {
    if (!(await lockOrganization(trx, organizationId))) throw fail('NOT_FOUND', 'Organization not found.');
    try {
      const created = await insertMembership(trx, { id: newId(), userId, organizationId, role });
      return created!;
    } catch (error) {
      if (isUniqueViolation(error, 'memberships_one_per_org')) {
        throw fail('CONFLICT', 'userId: this user is already a member; use changeMemberRole.', { field: 'userId' });
      }
      throw error;
    }
  });
}

export async function changeMemberRole(
  db: Kysely<TenancyDatabase>,
  access: Access,
  args: { organizationId: string; userId: string; role: string },
): Promise<Membership> {
  const organizationId = parseId(args.organizationId, 'organizationId');
  const userId = parseId(args.userId, 'userId');
  const role = requireRole(args.role, 'role');
  await assertMayGrant(access, organizationId, role);
  const caller = access.requireMember();
  return db.transaction().execute(async (trx) => {
    const member = await lockMember(trx, organizationId, userId);
    if (!canGrantRole(caller.role, member.role)) throw fail('FORBIDDEN', `A ${caller.role} cannot change a ${member.role}.`);
    if (role !== 'OWNER') await assertNotLastOwner(trx, member, 'demote');
    return setMembershipRole(trx, member.id, role);
  });
}

export async function removeMember(db: Kysely<TenancyDatabase>, access: Access, args: { organizationId: string; userId: string }): Promise<string> {
  const organizationId = parseId(args.organizationId, 'organizationId');
  const userId = parseId(args.userId, 'userId');
  await access.assertRole(organizationId, 'ADMIN');
  const caller = access.requireMember();
  return db.transaction().execute(async (trx) => {
    const member = await lockMember(trx, organizationId, userId);
    if (!canGrantRole(caller.role, member.role)) throw fail('FORBIDDEN', `A ${caller.role} cannot remove a ${member.role}.`);
    await assertNotLastOwner(trx, member, 'remove');
    await deleteMembership(trx, member.id);
    return member.id;
  });
}

/** For identity, creating a user in an org it has already checked the caller may administer. Idempotent. */
export async function grantMembership(db: Kysely<TenancyDatabase>, args: { userId: string; organizationId: string; role: string }): Promise<void> {
  const organizationId = parseId(args.organizationId, 'organizationId');
  const userId = parseId(args.userId, 'userId');
  const role = requireRole(args.role, 'role');
  await db.transaction().execute(async (trx) => {
    if (!(await lockOrganization(trx, organizationId))) throw fail('NOT_FOUND', 'Organization not found.');
    await insertMembership(trx, { id: newId(), userId, organizationId, role }, { ignoreExisting: true });
  });
}
