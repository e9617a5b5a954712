import { badInput } from './errors.ts';

/** Relay-style connections (DESIGN §4): bounded pages, opaque cursors. */
export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface Page<K> {
  /** Rows to fetch: one more than the page, to learn whether there is a next page. */
  readonly fetch: number;
  readonly size: number;
  readonly after: K | null;
}

export interface Connection<T> {
  readonly edges: { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Validates `first` and decodes `after`; the cursor key shape is the caller's (e.g. [createdAt, id]). */
export function readPage<K>(args: PageArgs, max = MAX_PAGE_SIZE, fallback = DEFAULT_PAGE_SIZE): Page<K> {
  const size = args.first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) throw badInput('first', `must be between 1 and ${max}.`);
  return { size, fetch: size + 1, after: args.after ? decodeCursor<K>(args.after) : null };
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<K>(cursor: string, field = 'after'): K {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as K;
  } catch {
    throw badInput(field, 'is not a cursor this API gave out.');
  }
}

/**
 * Builds the connection from `fetch` rows (size + 1). Cursors are encoded only when read: most
 * queries (a tree, a fleet page) select no cursor, and a nested list of 100 × 10 rows would
 * otherwise serialise 1,000 of them per request for nothing. (Classes with prototype getters:
 * object literals with getters cost as much to create as the encoding they would save.)
 */
export function toConnection<T>(rows: readonly T[], page: Page<unknown>, keyOf: (row: T) => unknown): Connection<T> {
  const size = Math.min(rows.length, page.size);
  const edges: Edge<T>[] = [];
  for (let i = 0; i < size; i += 1) edges.push(new Edge(rows[i] as T, keyOf));
  return { edges, pageInfo: new PageInfo(rows.length > page.size, edges[size - 1]) };
}

class Edge<T> {
  constructor(
    readonly node: T,
    private readonly keyOf: (row: T) => unknown,
  ) {}

  get cursor(): string {
    return encodeCursor(this.keyOf(this.node));
  }
}

class PageInfo {
  constructor(
    readonly hasNextPage: boolean,
    private readonly last: { readonly cursor: string } | undefined,
  ) {}

  get endCursor(): string | null {
    return this.last?.cursor ?? null;
  }
}
