import { byIdLoader, isUuid, type Access } from '@platform/kernel';
import type { User } from './domain/user.ts';
import type { UserService } from './domain/user-service.ts';

const idOf = (u: User) => u.id;

/** Per request. Non-UUID keys (from `_entities`) are null without reaching SQL. */
export function createLoaders(users: UserService, access: Access) {
  return {
    /** Without a visibility check: only for a session's own user, whom the session proves. */
    userById: byIdLoader((ids) => users.byIds(ids), idOf, isUuid),
    visibleUser: byIdLoader((ids) => users.visibleTo(access, ids), idOf, isUuid),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
