import { canGrantRole, fail, inTransaction, isUniqueViolation, newId, type Role } from '@platform/kernel';
import type { Kysely, Transaction } from 'kysely';
import {
  countOwners,
  deleteMembership,
  findMembership,
  insertMembership,
  insertMembershipIfAbsent,
  membershipsOfUsers,
  setMembershipRole,
} from '../db/membership-repository.ts';
import type { TenancyDatabase } from '../db/types.ts';
import type { Membership } from './membership.ts';
import { lockOrThrow } from './organization-service.ts';

export interface MemberRef {
  readonly organizationId: string;
  readonly userId: string;
}

export type Grant = MemberRef & { readonly role: Role };

/** The role of the admin making a change: it may touch only members whose role it could grant. */
export type ByActor<C> = C & { readonly actorRole: Role };

/**
 * Who belongs to which organisation, in which role. Every change locks the organisation first, so
 * two changes to one organisation's members run one after the other (the last OWNER stays).
 */
export class MembershipService {
  constructor(private readonly db: Kysely<TenancyDatabase>) {}

  /** The memberships of these users, oldest first. */
  ofUsers(userIds: readonly string[]): Promise<Membership[]> {
    return membershipsOfUsers(this.db, userIds);
  }

  add(grant: Grant): Promise<Membership> {
    return inTransaction(this.db, async (trx) => {
      await lockOrThrow(trx, grant.organizationId);
      try {
        return await insertMembership(trx, { id: newId(), ...grant });
      } catch (error) {
        if (isUniqueViolation(error, 'memberships_one_per_org')) {
          throw fail('CONFLICT', 'userId: this user is already a member; use changeMemberRole.', { field: 'userId' });
        }
        throw error;
      }
    });
  }

  changeRole(change: ByActor<Grant>): Promise<Membership> {
    return inTransaction(this.db, async (trx) => {
      const member = await lockMember(trx, change, 'change');
      if (change.role !== 'OWNER') await assertNotLastOwner(trx, member, 'demote');
      return setMembershipRole(trx, member.id, change.role);
    });
  }

  /** Returns the removed membership's id. */
  remove(removal: ByActor<MemberRef>): Promise<string> {
    return inTransaction(this.db, async (trx) => {
      const member = await lockMember(trx, removal, 'remove');
      await assertNotLastOwner(trx, member, 'remove');
      await deleteMembership(trx, member.id);
      return member.id;
    });
  }

  /** For identity creating a user in an organisation it has checked the caller administers. Idempotent. */
  async grant(grant: Grant): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await lockOrThrow(trx, grant.organizationId);
      await insertMembershipIfAbsent(trx, { id: newId(), ...grant });
    });
  }
}

/** Locks the organisation and loads the member the actor may `action`, or NOT_FOUND / FORBIDDEN. */
async function lockMember(trx: Transaction<TenancyDatabase>, ref: ByActor<MemberRef>, action: string): Promise<Membership> {
  await lockOrThrow(trx, ref.organizationId);
  const member = await findMembership(trx, ref.organizationId, ref.userId);
  if (!member) throw fail('NOT_FOUND', 'userId: this user is not a member of the organization.', { field: 'userId' });
  if (!canGrantRole(ref.actorRole, member.role)) throw fail('FORBIDDEN', `A ${ref.actorRole} cannot ${action} a ${member.role}.`);
  return member;
}

async function assertNotLastOwner(trx: Transaction<TenancyDatabase>, member: Membership, action: string): Promise<void> {
  if (member.role === 'OWNER' && (await countOwners(trx, member.organizationId)) <= 1) {
    throw fail('INVALID_STATE', `Cannot ${action} the last OWNER of the organization; make someone else OWNER first.`);
  }
}
