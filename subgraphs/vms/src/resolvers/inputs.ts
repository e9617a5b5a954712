import { isInstantIdCursor, isTextIdCursor, type Page, type PageArgs, parseOptionalText, parsePage } from '@platform/kernel';
import type { VmCursor } from '../db/vm-repository.ts';
import type { VmFilter, VmOrder } from '../domain/vm.ts';

// Validation at the edge: every rejection names its field, before anything is written.

/** A VM page: the cursor is [name, id] or [createdAt ISO, id] by order. */
export const vmPage = (args: PageArgs, order: VmOrder): Page<VmCursor> =>
  parsePage(args, { cursor: order === 'NAME_ASC' ? isTextIdCursor : isInstantIdCursor });

export function vmFilterArg(filter: { status?: readonly string[] | null; powerState?: readonly string[] | null; search?: string | null } | null | undefined): VmFilter {
  const search = parseOptionalText(filter?.search, 'filter.search', { max: 100 });
  return {
    status: filter?.status && filter.status.length > 0 ? ([...new Set(filter.status)].sort() as VmFilter['status']) : null,
    powerState: filter?.powerState && filter.powerState.length > 0 ? ([...new Set(filter.powerState)].sort() as VmFilter['powerState']) : null,
    search,
  };
}
