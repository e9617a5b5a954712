import DataLoader from 'dataloader';
import { withSpan } from '../observability/spans.ts';

/**
 * One `load` call per batch, answers in key order, null for a key nothing matched (DESIGN §7.4).
 * `idOf` names the column the keys are (a row's id, or e.g. its organisation id). Keys `accepts`
 * refuses are null without reaching SQL: a non-UUID compared to a uuid column is a PostgreSQL error.
 */
export function byIdLoader<T, K = string>(
  load: (ids: K[]) => Promise<readonly T[]>,
  idOf: (row: T) => K,
  accepts: (id: K) => boolean = () => true,
  /**
   * For a loader shared across requests (e.g. subscriptions starting in a burst): no cache (each
   * load reads current rows) and a batch window, so loads arriving within `batchWindowMs` share one statement.
   */
  shared?: { readonly batchWindowMs: number },
): DataLoader<K, T | null> {
  const options = shared ? { cache: false, batchScheduleFn: (run: () => void) => void setTimeout(run, shared.batchWindowMs) } : {};
  return new DataLoader<K, T | null>(async (ids) => {
    const wanted = ids.filter(accepts);
    const rows = wanted.length > 0 ? await withSpan('dataloader batch', { 'dataloader.keys': wanted.length }, () => load(wanted)) : [];
    const found = new Map(rows.map((row) => [idOf(row), row]));
    return ids.map((id) => found.get(id) ?? null);
  }, options);
}
