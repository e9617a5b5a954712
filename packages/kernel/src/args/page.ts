import { readPage, type Page, type PageArgs } from '../connection.ts';
import { badInput } from '../errors.ts';
import { isUuid } from '../ids.ts';

/** Checks a decoded cursor's shape: a cursor is only base64 JSON, so a client can send anything. */
export type CursorCheck<K> = (value: unknown) => value is K;

export interface PageRule<K> {
  /** 'id': the cursor is a row id (uuid v7, so id order is creation order); else a shape check. */
  readonly cursor: 'id' | CursorCheck<K>;
  readonly max?: number;
  readonly fallback?: number;
}

const isIdCursor = (value: unknown): value is string => typeof value === 'string' && isUuid(value);

/**
 * `first`/`after` with the cursor checked, so a forged one is BAD_USER_INPUT naming `after` instead
 * of reaching SQL (wrong arity, a non-uuid id) and failing as an internal error.
 */
export function parsePage(args: PageArgs, rule: { readonly cursor: 'id'; readonly max?: number; readonly fallback?: number }): Page<string>;
export function parsePage<K>(args: PageArgs, rule: PageRule<K>): Page<K>;
export function parsePage<K>(args: PageArgs, rule: PageRule<K>): Page<K> {
  const page = readPage<unknown>(args, rule.max, rule.fallback);
  const check = (rule.cursor === 'id' ? isIdCursor : rule.cursor) as CursorCheck<K>;
  if (page.after === null) return { ...page, after: null };
  if (!check(page.after)) throw badInput('after', 'is not a cursor this API gave out.');
  return { ...page, after: page.after };
}

// Keyset cursors the subgraphs use: [sort value, id], the id breaking ties.
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000');

/** [text, uuid]: a page ordered by a text column (name, SKU) then id. */
export const isTextIdCursor: CursorCheck<[string, string]> = (v): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && isText(v[0]) && isText(v[1]) && isUuid(v[1]);

// As Date.toISOString() writes it; Date.parse alone takes nonsense like "web-01".
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** [ISO instant, uuid]: a page ordered by a timestamp then id. */
export const isInstantIdCursor: CursorCheck<[string, string]> = (v): v is [string, string] =>
  isTextIdCursor(v) && ISO_UTC.test(v[0]) && !Number.isNaN(Date.parse(v[0]));
