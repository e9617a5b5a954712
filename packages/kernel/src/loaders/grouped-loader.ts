import DataLoader from 'dataloader';
import { withSpan } from '../observability/spans.ts';

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
  // Hot: a page of 100 parents is 100 keys per nested list. Each key's query is serialised once per
  // batch (not once per lookup), and a null query (counts, per-parent lists) not at all.
  const groupOf = (query: Q): string => (query === null ? 'null' : JSON.stringify(query));
  return new DataLoader<ParentKey<Q>, T, string>(
    async (keys) => {
      const groups = new Map<string, { query: Q; ids: Set<string> }>();
      const groupOfKey = new Array<string>(keys.length);
      keys.forEach((key, i) => {
        const g = groupOf(key.query);
        groupOfKey[i] = g;
        const group = groups.get(g);
        if (group) group.ids.add(key.parentId);
        else groups.set(g, { query: key.query, ids: new Set([key.parentId]) });
      });
      // A failing statement fails the keys of its own group only.
      const results = new Map<string, ReadonlyMap<string, T> | Error>();
      await Promise.all(
        [...groups].map(async ([g, { query, ids }]) =>
          results.set(
            g,
            await withSpan('dataloader batch', { 'dataloader.keys': ids.size }, () => load([...ids], query)).catch((error: unknown) =>
              error instanceof Error ? error : new Error(String(error)),
            ),
          ),
        ),
      );
      return keys.map((k, i) => {
        const found = results.get(groupOfKey[i] as string);
        return found instanceof Error ? found : (found?.get(k.parentId) ?? empty);
      });
    },
    // Unambiguous: JSON escapes NUL, so the last NUL in the key always separates parent and query.
    { cacheKeyFn: (k) => `${k.parentId}\u0000${groupOf(k.query)}` },
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
