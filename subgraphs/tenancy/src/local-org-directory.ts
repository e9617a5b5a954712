import type { OrgDirectory } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { findOrganizations } from './db/organization-repository.ts';
import type { TenancyDatabase } from './db/types.ts';

/** Tenancy answers visibility questions from its own database (other subgraphs ask it over HTTP). */
export function localOrgDirectory(db: Kysely<TenancyDatabase>): OrgDirectory {
  return {
    async lookup(ids) {
      const orgs = await findOrganizations(db, ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)));
      return new Map(orgs.map((o) => [o.id, { id: o.id, kind: o.kind, ancestors: o.ancestors }]));
    },
  };
}
