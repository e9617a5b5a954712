import type { Connection } from '@platform/kernel';
import type { Membership } from '../domain/membership.ts';
import type { Organization } from '../domain/organization.ts';

/** A page plus a lazily counted total: the count query runs only when `totalCount` is selected. */
export type CountedConnection<T> = Connection<T> & { readonly count: () => Promise<number> };

export type OrganizationConnectionModel = CountedConnection<Organization>;
export type MembershipConnectionModel = CountedConnection<Membership>;
