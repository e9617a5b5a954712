import { sql, type RawBuilder } from 'kysely';

/** A sort key: a column, or an expression over the row (e.g. a timestamp cut to a cursor's precision). */
export type SortKey = string | RawBuilder<unknown>;

const expression = (key: SortKey) => (typeof key === 'string' ? sql.ref(key) : key);

/**
 * Pages of many parents' children in ONE statement: rows are numbered per parent with a window
 * function and cut at `fetch`. `after` (the same for every parent in the batch) is a sort key
 * tuple compared row-wise, so the query stays keyset-paginated.
 */
export function rankedWithin(partitionColumn: string, orderColumns: readonly SortKey[]): RawBuilder<number> {
  const order = sql.join(orderColumns.map(expression));
  return sql<number>`row_number() over (partition by ${sql.ref(partitionColumn)} order by ${order})`;
}

export function rowAfter(orderColumns: readonly SortKey[], after: readonly unknown[]): RawBuilder<boolean> {
  const columns = sql.join(orderColumns.map(expression));
  const values = sql.join(after.map((v) => sql`${v}`));
  return sql<boolean>`(${columns}) > (${values})`;
}
