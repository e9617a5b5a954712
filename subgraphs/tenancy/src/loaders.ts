import { byIdLoader, groupedLoader, pageLoader } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { countMembers, memberPages, membershipsByUser, type MemberCursor } from './db/membership-repository.ts';
import { childPages, countChildren, findOrganizations, type OrgCursor } from './db/organization-repository.ts';
import type { TenancyDatabase } from './db/types.ts';
import type { Membership } from './domain/membership.ts';
import type { Organization } from './domain/organization.ts';

/** Fresh per request (DESIGN §7.4): one statement per kind of read, however many parents ask. */
export function createLoaders(db: Kysely<TenancyDatabase>) {
  return {
    organization: byIdLoader(
      (ids) => findOrganizations(db, ids),
      (o: Organization) => o.id,
    ),
    childPage: pageLoader<Organization, OrgCursor>((parentIds, page) => childPages(db, parentIds, page)),
    childCount: groupedLoader<null, number>((parentIds) => countChildren(db, parentIds), 0),
    memberPage: pageLoader<Membership, MemberCursor>((organizationIds, page) => memberPages(db, organizationIds, page)),
    memberCount: groupedLoader<null, number>((organizationIds) => countMembers(db, organizationIds), 0),
    membershipsOfUser: groupedLoader<null, Membership[]>((userIds) => membershipsByUser(db, userIds), []),
  };
}

export type TenancyLoaders = ReturnType<typeof createLoaders>;
