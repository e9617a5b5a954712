import { type Access, canGrantRole, fail, isUniqueViolation, newId, parseId, type Role } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from '../db/types.ts';
import { insertUser } from '../db/user-repository.ts';
import type { TenancyClient } from '../tenancy-client.ts';
import { hashPassword, requirePassword } from './passwords.ts';
import type { User } from './user.ts';
import { requireDisplayName, requireEmail } from './validate.ts';

export interface CreateUserInput {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
  readonly organizationId: string;
  readonly role: Role;
}

/**
 * Creates a user and its first membership. The membership is granted while the user row is still
 * uncommitted: if tenancy refuses, nothing is written here. (If our commit failed after tenancy
 * answered, a membership would name a user that does not exist — harmless, nobody can sign in as it.)
 */
export async function createUser(
  deps: { db: Kysely<IdentityDatabase>; tenancy: TenancyClient; scryptLog2N: number },
  access: Access,
  input: CreateUserInput,
): Promise<User> {
  const { email, normalized } = requireEmail(input.email, 'input.email');
  const password = requirePassword(input.password, 'input.password');
  const displayName = requireDisplayName(input.displayName, 'input.displayName');
  const organizationId = parseId(input.organizationId, 'input.organizationId');
  await access.assertRole(organizationId, 'ADMIN');
  const caller = access.requireMember();
  if (!canGrantRole(caller.role, input.role)) throw fail('FORBIDDEN', `A ${caller.role} cannot grant the ${input.role} role.`);
  const passwordHash = await hashPassword(password, deps.scryptLog2N);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const user = await insertUser(trx, { id: newId(), email, emailNormalized: normalized, displayName, passwordHash });
      await deps.tenancy.grantMembership(user!.id, organizationId, input.role);
      return user!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_unique')) {
      throw fail('CONFLICT', 'input.email: a user with this email already exists.', { field: 'input.email' });
    }
    throw error;
  }
}
