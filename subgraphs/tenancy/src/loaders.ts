import { byIdLoader } from '@platform/kernel';
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { countMembers, memberPages, membershipsOfUsers, type MemberCursor } from './db/membership-repository.ts';
import { childPages, countChildren, findOrganizations, type OrgCursor } from './db/organization-repository.ts';
import type { TenancyDatabase } from './db/types.ts';
import type { Membership } from './domain/membership.ts';
import type { Organization } from './domain/organization.ts';

export interface PageKey<C> {
  readonly parentId: string;
  readonly fetch: number;
  readonly after: C | null;
}

/** Batches page requests: one statement per distinct (fetch, after) however many parents. */
function pageLoader<T, C>(load: (parentIds: string[], fetch: number, after: C | null) => Promise<Map<string, T[]>>) {
  return new DataLoader<PageKey<C>, T[], string>(
    async (keys) => {
      const groups = new Map<string, { fetch: number; after: C | null; ids: string[] }>();
      for (const key of keys) {
        const groupKey = JSON.stringify([key.fetch, key.after]);
        const group = groups.get(groupKey) ?? { fetch: key.fetch, after: key.after, ids: [] };
        group.ids.push(key.parentId);
        groups.set(groupKey, group);
      }
      const results = new Map<string, Map<string, T[]>>();
      await Promise.all(
        [...groups].map(async ([groupKey, g]) => results.set(groupKey, await load(g.ids, g.fetch, g.after))),
      );
      return keys.map((k) => results.get(JSON.stringify([k.fetch, k.after]))?.get(k.parentId) ?? []);
    },
    { cacheKeyFn: (k) => JSON.stringify([k.parentId, k.fetch, k.after]) },
  );
}

function countLoader(count: (ids: readonly string[]) => Promise<Map<string, number>>) {
  return new DataLoader<string, number>(async (ids) => {
    const counts = await count(ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
}

/** Fresh per request (DESIGN §7.4): batch functions answer in key order. */
export function createLoaders(db: Kysely<TenancyDatabase>) {
  return {
    organization: byIdLoader((ids) => findOrganizations(db, ids), (o: Organization) => o.id),
    childPage: pageLoader<Organization, OrgCursor>((ids, fetch, after) => childPages(db, ids, fetch, after)),
    childCount: countLoader((ids) => countChildren(db, ids)),
    memberPage: pageLoader<Membership, MemberCursor>((ids, fetch, after) => memberPages(db, ids, fetch, after)),
    memberCount: countLoader((ids) => countMembers(db, ids)),
    membershipsOfUser: new DataLoader<string, Membership[]>(async (userIds) => {
      const all = await membershipsOfUsers(db, userIds);
      return userIds.map((id) => all.filter((m) => m.userId === id));
    }),
  };
}

export type TenancyLoaders = ReturnType<typeof createLoaders>;
