import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { eventPagesOfVms } from './db/event-repository.ts';
import type { VmsDatabase } from './db/types.ts';
import { findVmsByIds, pagesOfOrganizations, summariesOfOrganizations, type VmPageQuery } from './db/vm-repository.ts';
import type { OrgScope, ResourceSummary, Vm, VmEvent } from './domain/vm.ts';

interface Keyed<Q> {
  readonly parentId: string;
  readonly query: Q;
}

/** Batches per-parent requests: one statement per distinct query, however many parents. */
function groupedLoader<Q, T>(load: (parentIds: string[], query: Q) => Promise<Map<string, T>>, empty: T) {
  const groupOf = (q: Q) => JSON.stringify(q);
  return new DataLoader<Keyed<Q>, T, string>(
    async (keys) => {
      const groups = new Map<string, { query: Q; ids: string[] }>();
      for (const key of keys) {
        const g = groups.get(groupOf(key.query)) ?? { query: key.query, ids: [] };
        g.ids.push(key.parentId);
        groups.set(groupOf(key.query), g);
      }
      const results = new Map<string, Map<string, T>>();
      await Promise.all([...groups].map(async ([g, { query, ids }]) => results.set(g, await load([...new Set(ids)], query))));
      return keys.map((k) => results.get(groupOf(k.query))?.get(k.parentId) ?? empty);
    },
    { cacheKeyFn: (k) => JSON.stringify([k.parentId, k.query]) },
  );
}

/** Fresh per request (DESIGN §7.4): every fetch by id or parent goes through one of these. */
export function createLoaders(db: Kysely<VmsDatabase>) {
  return {
    vm: new DataLoader<string, Vm | null>(async (ids) => {
      const found = new Map((await findVmsByIds(db, ids)).map((vm) => [vm.id, vm]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    organizationVms: groupedLoader<VmPageQuery, Vm[]>((ids, q) => pagesOfOrganizations(db, ids, q), []),
    organizationSummary: groupedLoader<OrgScope, ResourceSummary | null>((ids, scope) => summariesOfOrganizations(db, ids, scope), null),
    vmEvents: groupedLoader<{ fetch: number; after: string | null }, VmEvent[]>((ids, q) => eventPagesOfVms(db, ids, q.fetch, q.after), []),
  };
}

export type VmsLoaders = ReturnType<typeof createLoaders>;
