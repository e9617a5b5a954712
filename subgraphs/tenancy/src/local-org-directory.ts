import { isUuid, type OrgDirectory } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { findOrgNodes } from './db/organization-repository.ts';
import type { TenancyDatabase } from './db/types.ts';

/**
 * Tenancy answers visibility questions from its own database (other subgraphs ask it over HTTP).
 * Each node carries its effective status (suspended when it or an ancestor is).
 * Ids come from anywhere (representations included): a malformed one is simply not found.
 */
export function localOrgDirectory(db: Kysely<TenancyDatabase>): OrgDirectory {
  return {
    async lookup(ids) {
      const nodes = await findOrgNodes(db, ids.filter(isUuid));
      return new Map(nodes.map((n) => [n.id, n]));
    },
  };
}
