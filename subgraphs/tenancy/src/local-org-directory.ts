import { isUuid, type OrgDirectory, type OrgNode } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { findOrganizations } from './db/organization-repository.ts';
import type { TenancyDatabase } from './db/types.ts';

/**
 * Tenancy answers visibility questions from its own database (other subgraphs ask it over HTTP).
 * Ids come from anywhere (representations included): a malformed one is simply not found.
 */
export function localOrgDirectory(db: Kysely<TenancyDatabase>): OrgDirectory {
  return {
    async lookup(ids) {
      const orgs = await findOrganizations(db, ids.filter(isUuid));
      return new Map(orgs.map((o): [string, OrgNode] => [o.id, { id: o.id, kind: o.kind, ancestors: o.ancestors }]));
    },
  };
}
