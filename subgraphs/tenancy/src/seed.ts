import { writeOutbox } from '@platform/events';
import { newId, type OrganizationKind, type Role } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type { TenancyDatabase } from './db/types.ts';

export interface TenancySeed {
  /** Parents before children. */
  readonly organizations: readonly { id: string; kind: OrganizationKind; name: string; parentId: string | null }[];
  readonly memberships: readonly { userId: string; organizationId: string; role: Role }[];
}

/**
 * Loads a fixed organisation tree and its memberships; rows that exist already are left alone, so
 * seeding twice changes nothing. Creation events go through the outbox like any other creation.
 */
export async function seedTenancy(db: Kysely<TenancyDatabase>, seed: TenancySeed): Promise<{ organizations: number; memberships: number }> {
  return db.transaction().execute(async (trx) => {
    const paths = new Map<string, string[]>();
    let organizations = 0;
    for (const org of seed.organizations) {
      const path = org.parentId ? [...(paths.get(org.parentId) ?? []), org.parentId] : [];
      paths.set(org.id, path);
      const inserted = await trx
        .insertInto('organizations')
        .values({ id: org.id, kind: org.kind, name: org.name, parent_id: org.parentId, path })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) {
        organizations += 1;
        await writeOutbox(trx, 'tenancy.organization.created', { organizationId: org.id, kind: org.kind, parentId: org.parentId });
      }
    }
    let memberships = 0;
    for (const m of seed.memberships) {
      const inserted = await trx
        .insertInto('memberships')
        .values({ id: newId(), user_id: m.userId, organization_id: m.organizationId, role: m.role })
        .onConflict((oc) => oc.constraint('memberships_one_per_org').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) memberships += 1;
    }
    return { organizations, memberships };
  });
}
