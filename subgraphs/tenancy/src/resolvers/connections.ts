import {
  isInstantIdCursor,
  isTextIdCursor,
  parsePage,
  toConnection,
  type Connection,
  type Page,
  type PageArgs,
  type PageQuery,
  type ParentKey,
} from '@platform/kernel';
import type { MemberCursor } from '../db/membership-repository.ts';
import type { OrgCursor } from '../db/organization-repository.ts';
import type { Membership } from '../domain/membership.ts';
import type { Organization } from '../domain/organization.ts';

// How the two lists page. Each cursor is the keyset the repository orders by, checked on the way in.

/** A page plus a lazily counted total: the count query runs only when `totalCount` is selected. */
export type CountedConnection<T> = Connection<T> & { readonly count: () => Promise<number> };
export type OrganizationConnectionModel = CountedConnection<Organization>;
export type MembershipConnectionModel = CountedConnection<Membership>;

/** Organisations: by name, then id. */
export const readOrganizationPage = (args: PageArgs): Page<OrgCursor> => parsePage(args, { cursor: isTextIdCursor });

export const organizationConnection = (rows: readonly Organization[], page: Page<OrgCursor>, count: () => Promise<number>): OrganizationConnectionModel => ({
  ...toConnection(rows, page, (o): OrgCursor => [o.name, o.id]),
  count,
});

/** Members: by the time they joined, then id. */
export const readMemberPage = (args: PageArgs): Page<MemberCursor> => parsePage(args, { cursor: isInstantIdCursor });

export const membershipConnection = (rows: readonly Membership[], page: Page<MemberCursor>, count: () => Promise<number>): MembershipConnectionModel => ({
  ...toConnection(rows, page, (m): MemberCursor => [m.createdAt.toISOString(), m.id]),
  count,
});

/** The page loader key of one parent's page. */
export const pageOf = <C>(parentId: string, page: Page<C>): ParentKey<PageQuery<C>> => ({
  parentId,
  query: { fetch: page.fetch, after: page.after, filter: null },
});

/** The loader key of a per-parent read that takes no query (a count, a user's memberships). */
export const parentKey = (parentId: string): ParentKey<null> => ({ parentId, query: null });
