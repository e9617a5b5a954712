import { canGrantRole, fail, inTransaction, isUniqueViolation, newId, type Access, type Role } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from '../db/types.ts';
import { existingUserIds, findUsers, insertUser } from '../db/user-repository.ts';
import type { TenancyClient } from '../remote/tenancy-client.ts';
import { parseEmail } from './email.ts';
import type { NewUser } from './new-user.ts';
import { hashPassword } from './passwords.ts';
import type { User } from './user.ts';

export interface IdentitySeedUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly password: string;
}

/** Users: creation (with a first membership), who may see whom, and the demo seed. */
export class UserService {
  constructor(
    private readonly db: Kysely<IdentityDatabase>,
    private readonly tenancy: TenancyClient,
    private readonly scryptLog2N: number,
  ) {}

  /** Without a visibility check: only for a session's own user, whom the session proves. */
  byIds(ids: readonly string[]): Promise<User[]> {
    return findUsers(this.db, ids);
  }

  /**
   * The users among `ids` the caller may see: itself, or anyone with a membership in an organisation
   * the caller may see (a service sees none). One SQL statement and one tenancy call.
   */
  async visibleTo(access: Access, ids: readonly string[]): Promise<User[]> {
    const caller = access.caller;
    if (caller.kind !== 'authenticated') return [];
    const users = await findUsers(this.db, ids);
    const others = users.filter((u) => u.id !== caller.sub).map((u) => u.id);
    const memberships = await this.tenancy.membershipsOfUsers(others);
    const visibleOrgs = new Set(await access.filterVisible([...new Set(memberships.map((m) => m.organizationId))]));
    const visible = new Set(memberships.filter((m) => visibleOrgs.has(m.organizationId)).map((m) => m.userId));
    return users.filter((u) => u.id === caller.sub || visible.has(u.id));
  }

  /**
   * Creates a user and its first membership, granted by a caller holding `grantorRole` on the
   * organisation. The membership is granted while the user row is still uncommitted: if tenancy
   * refuses, nothing is written here. (If our commit failed after tenancy answered, a membership
   * would name a user that does not exist — harmless, nobody can sign in as it. A retried attempt
   * grants again, which tenancy takes as a no-op.)
   */
  async create(grantorRole: Role, user: NewUser): Promise<User> {
    if (!canGrantRole(grantorRole, user.role)) throw fail('FORBIDDEN', `A ${grantorRole} cannot grant the ${user.role} role.`);
    const passwordHash = await hashPassword(user.password, this.scryptLog2N);
    try {
      return await inTransaction(this.db, async (trx) => {
        const row = { id: newId(), email: user.email.email, emailNormalized: user.email.normalized, displayName: user.displayName, passwordHash };
        const created = await insertUser(trx, row);
        if (!created) throw new Error('insert returned no user');
        await this.tenancy.grantMembership(created.id, user.organizationId, user.role);
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_unique')) throw fail('CONFLICT', 'email: a user with this email already exists.', { field: 'email' });
      throw error;
    }
  }

  /** Loads fixed users; existing ones are left alone (not re-hashed). Returns how many were added. */
  async seed(users: readonly IdentitySeedUser[]): Promise<number> {
    const existing = await existingUserIds(
      this.db,
      users.map((u) => u.id),
    );
    const fresh = users.filter((u) => !existing.has(u.id));
    // Hash in parallel: the libuv pool runs several scrypt computations at once.
    const hashes = await Promise.all(fresh.map((u) => hashPassword(u.password, this.scryptLog2N)));
    await inTransaction(this.db, async (trx) => {
      for (const [i, u] of fresh.entries()) {
        const { email, normalized } = parseEmail(u.email, 'email');
        await insertUser(trx, { id: u.id, email, emailNormalized: normalized, displayName: u.displayName, passwordHash: hashes[i]! }, { ignoreExisting: true });
      }
    });
    return fresh.length;
  }
}
