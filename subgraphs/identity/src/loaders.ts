import { byIdLoader, isUuid, type Access } from '@platform/kernel';
import type { ApiKey } from './domain/api-key.ts';
import type { User } from './domain/user.ts';
import type { IdentityServices } from './services.ts';

const idOf = (u: User) => u.id;

/** Per request. Non-UUID keys (from `_entities`) are null without reaching SQL. */
export function createLoaders(services: Pick<IdentityServices, 'users' | 'apiKeys'>, access: Access) {
  return {
    /** Without a visibility check: only for a session's own user, whom the session proves. */
    userById: byIdLoader((ids) => services.users.byIds(ids), idOf, isUuid),
    visibleUser: byIdLoader((ids) => services.users.visibleTo(access, ids), idOf, isUuid),
    /** Without a visibility check: resolvers check the key's organisation and owner. */
    apiKeyById: byIdLoader(
      (ids) => services.apiKeys.byIds(ids),
      (k: ApiKey) => k.id,
      isUuid,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
