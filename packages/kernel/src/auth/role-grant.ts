import { fail } from '../errors.ts';
import type { Access, MemberCaller, MemberTarget } from './access.ts';
import { canGrantRole, type Role } from './roles.ts';

/**
 * Granting `role` in `orgId` (adding a member, creating a user, changing a role): the caller must be
 * an ADMIN there and may grant only roles it holds itself, so an admin cannot make an owner.
 */
export async function assertMayGrant(access: Access, orgId: string, role: Role, target: MemberTarget = {}): Promise<MemberCaller> {
  const caller = await access.assertMember(orgId, 'ADMIN', target);
  if (!canGrantRole(caller.role, role)) throw fail('FORBIDDEN', `A ${caller.role} cannot grant the ${role} role.`);
  return caller;
}
