import { createServiceClient } from '../service-client/service-client.ts';
import type { ServiceTokenSource } from './service-token.ts';

export type OrganizationKind = 'PROVIDER' | 'RESELLER' | 'CUSTOMER';

/** Where an organisation sits in the tree. `ancestors` runs from the root down, without the org itself. */
export interface OrgNode {
  readonly id: string;
  readonly kind: OrganizationKind;
  readonly ancestors: readonly string[];
}

/** Looks organisations up by id. Tenancy answers from its database; every other subgraph over HTTP. */
export interface OrgDirectory {
  lookup(ids: readonly string[]): Promise<ReadonlyMap<string, OrgNode>>;
}

const NODES_QUERY = 'query OrgNodes($ids: [ID!]!) { internalOrganizationNodes(ids: $ids) { id kind ancestors } }';

/** Asks the tenancy subgraph with a service token (scope `tenancy:read`); one request per batch. */
export function remoteOrgDirectory(tenancyGraphqlUrl: string | (() => string), tokens: ServiceTokenSource): OrgDirectory {
  const tenancy = createServiceClient({ url: tenancyGraphqlUrl, tokens, timeoutMs: 5_000 });
  return {
    async lookup(ids) {
      if (ids.length === 0) return new Map();
      const data = await tenancy.request<{ internalOrganizationNodes: OrgNode[] }>(NODES_QUERY, { ids });
      return new Map(data.internalOrganizationNodes.map((n) => [n.id, n]));
    },
  };
}

/**
 * An organisation's parent never changes (tenancy refuses moves), so a node once found can be
 * cached for the life of the process. Misses are not cached: the org may be created a moment later.
 */
export function cachedOrgDirectory(inner: OrgDirectory, maxEntries = 50_000): OrgDirectory {
  const cache = new Map<string, OrgNode>();
  return {
    async lookup(ids) {
      const result = new Map<string, OrgNode>();
      const missing: string[] = [];
      for (const id of ids) {
        const hit = cache.get(id);
        if (hit) result.set(id, hit);
        else missing.push(id);
      }
      if (missing.length > 0) {
        for (const [id, node] of await inner.lookup(missing)) {
          if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
          cache.set(id, node);
          result.set(id, node);
        }
      }
      return result;
    },
  };
}
