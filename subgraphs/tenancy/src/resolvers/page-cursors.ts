import { isInstantIdCursor, isTextIdCursor, parsePage, type Page, type PageArgs } from '@platform/kernel';
import type { MemberCursor } from '../db/membership-repository.ts';
import type { OrgCursor } from '../db/organization-repository.ts';

/** Organisation pages: keyset [name, id]. */
export const readOrgPage = (args: PageArgs): Page<OrgCursor> => parsePage(args, { cursor: isTextIdCursor });

/** Member pages: keyset [createdAt, id]. */
export const readMemberPage = (args: PageArgs): Page<MemberCursor> => parsePage(args, { cursor: isInstantIdCursor });
