import DataLoader from 'dataloader';
import { byIdLoader, type Access } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from './db/types.ts';
import { findUsers } from './db/user-repository.ts';
import type { User } from './domain/user.ts';
import type { TenancyClient } from './tenancy-client.ts';

/**
 * Users the caller may see: itself, or anyone with a membership in an organisation the caller
 * may see. One SQL statement and one tenancy call per batch.
 */
export function createLoaders(db: Kysely<IdentityDatabase>, tenancy: TenancyClient, access: Access) {
  const userById = byIdLoader((ids) => findUsers(db, ids), (u: User) => u.id);
  return {
    /** Without a visibility check: only for a session's own user, whom the session proves. */
    userById,
    visibleUser: new DataLoader<string, User | null>(async (ids) => {
      const caller = access.caller;
      if (caller.kind !== 'authenticated') return ids.map(() => null);
      const users = new Map((await userById.loadMany(ids)).flatMap((u) => (u && !(u instanceof Error) ? [[u.id, u] as const] : [])));
      let visible: Set<string>;
      if (caller.typ === 'service') {
        visible = new Set(users.keys());
      } else {
        const others = [...users.keys()].filter((id) => id !== caller.sub);
        const memberships = await tenancy.membershipsOfUsers(others);
        const visibleOrgs = new Set(await access.filterVisible([...new Set(memberships.map((m) => m.organizationId))]));
        visible = new Set(memberships.filter((m) => visibleOrgs.has(m.organizationId)).map((m) => m.userId));
        if (users.has(caller.sub)) visible.add(caller.sub);
      }
      return ids.map((id) => (visible.has(id) ? (users.get(id) ?? null) : null));
    }),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
