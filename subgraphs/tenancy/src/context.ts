import type { CachedOrgDirectory, RequestContext } from '@platform/kernel';
import type { MembershipService } from './domain/membership-service.ts';
import type { OrganizationService } from './domain/organization-service.ts';
import type { TenancyLoaders } from './loaders.ts';

/** Built once per process. */
export interface TenancyServices {
  readonly organizations: OrganizationService;
  readonly memberships: MembershipService;
  /** Tenancy is the org directory: it answers visibility from its own tables, cached, invalidated on a status change. */
  readonly orgDirectory: CachedOrgDirectory;
  /** Fresh loaders over the same pool, one set per request. */
  readonly newLoaders: () => TenancyLoaders;
}

export type TenancyContext = RequestContext & {
  readonly services: TenancyServices;
  readonly loaders: TenancyLoaders;
};
