import { sql, type RawBuilder } from 'kysely';

/**
 * Pages of many parents' children in ONE statement: rows are numbered per parent with a window
 * function and cut at `fetch`. `after` (the same for every parent in the batch) is a sort key
 * tuple compared row-wise, so the query stays keyset-paginated.
 */
export function rankedWithin(partitionColumn: string, orderColumns: readonly string[]): RawBuilder<number> {
  const order = sql.join(orderColumns.map((c) => sql.ref(c)));
  return sql<number>`row_number() over (partition by ${sql.ref(partitionColumn)} order by ${order})`;
}

export function rowAfter(orderColumns: readonly string[], after: readonly unknown[]): RawBuilder<boolean> {
  const columns = sql.join(orderColumns.map((c) => sql.ref(c)));
  const values = sql.join(after.map((v) => sql`${v}`));
  return sql<boolean>`(${columns}) > (${values})`;
}
