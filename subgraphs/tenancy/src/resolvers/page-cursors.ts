import { badInput, isUuid, readPage, type Page, type PageArgs } from '@platform/kernel';
import type { MemberCursor } from '../db/membership-repository.ts';
import type { OrgCursor } from '../db/organization-repository.ts';

// A cursor is only base64 JSON, so a client can send any shape; an unchecked one would reach SQL
// (wrong arity, a non-uuid id) and fail as an internal error instead of naming `after`.

const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000');

const isOrgCursor = (v: unknown): v is OrgCursor => Array.isArray(v) && v.length === 2 && isText(v[0]) && isText(v[1]) && isUuid(v[1]);

const isMemberCursor = (v: unknown): v is MemberCursor =>
  Array.isArray(v) && v.length === 2 && isText(v[0]) && !Number.isNaN(Date.parse(v[0])) && isText(v[1]) && isUuid(v[1]);

function readCheckedPage<K>(args: PageArgs, isKey: (v: unknown) => v is K): Page<K> {
  const page = readPage<unknown>(args);
  if (page.after === null) return { ...page, after: null };
  if (!isKey(page.after)) throw badInput('after', 'is not a cursor this API gave out.');
  return { ...page, after: page.after };
}

/** Organisation pages: keyset [name, id]. */
export const readOrgPage = (args: PageArgs): Page<OrgCursor> => readCheckedPage(args, isOrgCursor);

/** Member pages: keyset [createdAt, id]. */
export const readMemberPage = (args: PageArgs): Page<MemberCursor> => readCheckedPage(args, isMemberCursor);
