import { badInput, isUuid, readPage, type Page, type PageArgs } from '@platform/kernel';
import type { VmCursor } from '../db/vm-repository.ts';
import type { VmFilter, VmOrder } from '../domain/vm.ts';

// Validation at the edge: every rejection names its field, before anything is written.

export function uuidArg(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, 'must be a UUID.');
  return value.toLowerCase();
}

/** A VM page: the cursor is [createdAt ISO, id] or [name, id] by order, and is checked for shape. */
export function vmPage(args: PageArgs, order: VmOrder): Page<VmCursor> {
  const page = readPage<unknown>(args);
  const after = page.after;
  if (after !== null) {
    const ok =
      Array.isArray(after) &&
      after.length === 2 &&
      typeof after[0] === 'string' &&
      typeof after[1] === 'string' &&
      isUuid(after[1]) &&
      (order === 'NAME_ASC' || !Number.isNaN(Date.parse(after[0])));
    if (!ok) throw badInput('after', 'is not a cursor this API gave out (for this order).');
  }
  return page as Page<VmCursor>;
}

/** An events page: the cursor is the event id (uuid v7, so newest first is id order). */
export function idPage(args: PageArgs): Page<string> {
  const page = readPage<unknown>(args);
  if (page.after !== null && (typeof page.after !== 'string' || !isUuid(page.after))) throw badInput('after', 'is not a cursor this API gave out.');
  return page as Page<string>;
}

export function vmFilterArg(filter: { status?: readonly string[] | null; powerState?: readonly string[] | null; search?: string | null } | null | undefined): VmFilter {
  const search = filter?.search?.trim() ?? '';
  if (search.length > 100) throw badInput('filter.search', 'must be at most 100 characters.');
  return {
    status: filter?.status && filter.status.length > 0 ? ([...new Set(filter.status)].sort() as VmFilter['status']) : null,
    powerState: filter?.powerState && filter.powerState.length > 0 ? ([...new Set(filter.powerState)].sort() as VmFilter['powerState']) : null,
    search: search === '' ? null : search,
  };
}
