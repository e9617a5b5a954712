import { createServiceClient } from '../service-client/service-client.ts';
import type { ServiceTokenSource } from './service-token.ts';

export type OrganizationKind = 'PROVIDER' | 'RESELLER' | 'CUSTOMER';

export type OrganizationStatus = 'ACTIVE' | 'SUSPENDED';

/**
 * Where an organisation sits in the tree. `ancestors` runs from the root down, without the org itself.
 * `status` is the effective one: SUSPENDED when the org or any ancestor is suspended, and then
 * `suspendedBy` names the nearest suspended one (the org itself, or the ancestor closest to it).
 */
export interface OrgNode {
  readonly id: string;
  readonly kind: OrganizationKind;
  readonly ancestors: readonly string[];
  readonly status: OrganizationStatus;
  readonly suspendedBy: string | null;
}

/** Looks organisations up by id. Tenancy answers from its database; every other subgraph over HTTP. */
export interface OrgDirectory {
  lookup(ids: readonly string[]): Promise<ReadonlyMap<string, OrgNode>>;
}

/** A directory that keeps nodes: `invalidate()` forgets them all (tenancy calls it when a status changes). */
export interface CachedOrgDirectory extends OrgDirectory {
  invalidate(): void;
}

const NODES_QUERY = 'query OrgNodes($ids: [ID!]!) { internalOrganizationNodes(ids: $ids) { id kind ancestors status suspendedBy } }';

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

/** How long a cached node is trusted: a suspension reaches a subgraph that asks tenancy over HTTP within this. */
export const ORG_NODE_TTL_MS = 5_000;

/**
 * Caches nodes for `ttlMs`. An organisation's parent never changes (tenancy refuses moves), but its
 * status does: entries expire, and `invalidate()` drops them all at once. Tenancy invalidates its own
 * directory when it commits a status change, so in-process subgraphs sharing it (embedded mode) see a
 * suspension at once; a subgraph asking over HTTP sees it within `ttlMs`. A lookup that began before an
 * invalidation does not store what it read (it may predate the change). Misses are not cached: the org
 * may be created a moment later.
 */
export function cachedOrgDirectory(inner: OrgDirectory, options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}): CachedOrgDirectory {
  const { maxEntries = 50_000, ttlMs = ORG_NODE_TTL_MS, now = Date.now } = options;
  const cache = new Map<string, { node: OrgNode; expiresAt: number }>();
  // Lookups in flight by id: concurrent misses for one organisation (a burst of subscriptions, or
  // every live event when an entry expires) share one inner lookup instead of each asking.
  const inflight = new Map<string, Promise<OrgNode | undefined>>();
  let generation = 0;
  return {
    invalidate() {
      generation += 1;
      cache.clear();
      inflight.clear(); // what they read may predate the change: later callers ask again
    },
    async lookup(ids) {
      const result = new Map<string, OrgNode>();
      const missing: string[] = [];
      const at = now();
      for (const id of ids) {
        const hit = cache.get(id);
        if (hit && hit.expiresAt > at) result.set(id, hit.node);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const started = generation;
        const toFetch = [...new Set(missing.filter((id) => !inflight.has(id)))];
        if (toFetch.length > 0) {
          const batch = inner.lookup(toFetch).then((found) => {
            for (const [id, node] of found) {
              if (generation !== started) break;
              cache.delete(id);
              if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
              cache.set(id, { node, expiresAt: now() + ttlMs });
            }
            return found;
          });
          for (const id of toFetch) {
            const one = batch.then((found) => found.get(id));
            inflight.set(id, one);
            void one.then(
              () => inflight.get(id) === one && inflight.delete(id),
              () => inflight.get(id) === one && inflight.delete(id),
            );
          }
        }
        const waiting = missing.map((id) => [id, inflight.get(id)] as const);
        for (const [id, pending] of waiting) {
          const node = await pending;
          if (node) result.set(id, node);
        }
      }
      return result;
    },
  };
}
