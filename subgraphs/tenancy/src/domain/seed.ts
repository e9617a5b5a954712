import { writeOutbox } from '@platform/events';
import { inTransaction, newId, type OrganizationKind, type Role } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertMembershipIfAbsent } from '../db/membership-repository.ts';
import { insertOrganizationIfAbsent } from '../db/organization-repository.ts';
import type { TenancyDatabase } from '../db/types.ts';

export interface TenancySeed {
  /** Parents before children. */
  readonly organizations: readonly { id: string; kind: OrganizationKind; name: string; parentId: string | null }[];
  readonly memberships: readonly { userId: string; organizationId: string; role: Role }[];
}

/**
 * Loads a fixed organisation tree and its memberships; rows that exist already are left alone, so
 * seeding twice changes nothing. Creation events go through the outbox like any other creation.
 */
export function seedTenancy(db: Kysely<TenancyDatabase>, seed: TenancySeed): Promise<{ organizations: number; memberships: number }> {
  return inTransaction(db, async (trx) => {
    const ancestorsOf = new Map<string, string[]>();
    let organizations = 0;
    for (const org of seed.organizations) {
      const ancestors = org.parentId ? [...(ancestorsOf.get(org.parentId) ?? []), org.parentId] : [];
      ancestorsOf.set(org.id, ancestors);
      if (await insertOrganizationIfAbsent(trx, { ...org, ancestors })) {
        organizations += 1;
        await writeOutbox(trx, 'tenancy.organization.created', { organizationId: org.id, kind: org.kind, parentId: org.parentId });
      }
    }
    let memberships = 0;
    for (const m of seed.memberships) if (await insertMembershipIfAbsent(trx, { id: newId(), ...m })) memberships += 1;
    return { organizations, memberships };
  });
}
