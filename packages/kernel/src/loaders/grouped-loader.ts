import DataLoader from 'dataloader';

/** What one parent asks for: a page (`{ fetch, after, filter }`), a summary scope, … */
export interface ParentKey<Q> {
  readonly parentId: string;
  /** Must be JSON-serialisable: equal JSON is one group, hence one `load` call. */
  readonly query: Q;
}

/**
 * Per-parent results (a page of children, a summary) for many parents: keys that share the same
 * query are one `load(parentIds, query)` call, so a page of 100 parents costs one statement, not 100.
 * `load` answers per parent id; a parent it leaves out gets `empty`.
 */
export function groupedLoader<Q, T>(load: (parentIds: string[], query: Q) => Promise<ReadonlyMap<string, T>>, empty: T): DataLoader<ParentKey<Q>, T, string> {
  const groupOf = (query: Q) => JSON.stringify(query);
  return new DataLoader<ParentKey<Q>, T, string>(
    async (keys) => {
      const groups = new Map<string, { query: Q; ids: Set<string> }>();
      for (const key of keys) {
        const group = groups.get(groupOf(key.query)) ?? { query: key.query, ids: new Set<string>() };
        group.ids.add(key.parentId);
        groups.set(groupOf(key.query), group);
      }
      // A failing statement fails the keys of its own group only.
      const results = new Map<string, ReadonlyMap<string, T> | Error>();
      await Promise.all(
        [...groups].map(async ([g, { query, ids }]) =>
          results.set(g, await load([...ids], query).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))),
        ),
      );
      return keys.map((k) => {
        const found = results.get(groupOf(k.query));
        return found instanceof Error ? found : (found?.get(k.parentId) ?? empty);
      });
    },
    { cacheKeyFn: (k) => JSON.stringify([k.parentId, k.query]) },
  );
}

/** The page query of a child list: `fetch` rows after the cursor, narrowed by `filter`. */
export interface PageQuery<C, F = null> {
  readonly fetch: number;
  readonly after: C | null;
  readonly filter: F;
}

/** A page of children per parent; parents asking for the same page are one statement. */
export function pageLoader<T, C, F = null>(
  load: (parentIds: string[], query: PageQuery<C, F>) => Promise<ReadonlyMap<string, readonly T[]>>,
): DataLoader<ParentKey<PageQuery<C, F>>, readonly T[], string> {
  return groupedLoader<PageQuery<C, F>, readonly T[]>(load, []);
}
