import { sql, type Expression, type Kysely } from 'kysely';

/**
 * Many parents' pages in one statement (DESIGN §4 batching): each parent's page is its own
 * subquery, limited by its own index scan, tagged with the parent id and joined with `union all`,
 * so a long history costs no more than a short one however many parents ask.
 */
export async function pagesByParent<DB, Row>(
  db: Kysely<DB>,
  parentIds: readonly string[],
  pageOf: (parentId: string) => Expression<unknown>,
): Promise<Map<string, Row[]>> {
  const pages = new Map<string, Row[]>(parentIds.map((id) => [id, []]));
  if (parentIds.length === 0) return pages;
  const subqueries = parentIds.map((id) => sql`(select ${id}::text as page_of, p.* from (${pageOf(id)}) as p)`);
  const { rows } = await sql<Row & { page_of: string }>`${sql.join(subqueries, sql` union all `)}`.execute(db);
  for (const row of rows) pages.get(row.page_of)?.push(row);
  return pages;
}
