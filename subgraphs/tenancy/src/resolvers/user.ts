import { fail } from '@platform/kernel';
import type { UserResolvers } from '../__generated__/resolvers-types.ts';
import type { TenancyContext } from '../context.ts';
import type { Membership } from '../domain/membership.ts';
import { parentKey } from './connections.ts';

/** A user's memberships in organisations the caller may see. */
async function visibleMemberships(userId: string, ctx: TenancyContext): Promise<Membership[]> {
  const memberships = await ctx.loaders.membershipsOfUser.load(parentKey(userId));
  const visible = new Set(await ctx.access.filterVisible(memberships.map((m) => m.organizationId)));
  return memberships.filter((m) => visible.has(m.organizationId));
}

/**
 * A caller knows of a user only through an organisation it sees: acting on anyone else by id
 * (adding a stranger as a member) would reveal them. Missing and hidden are the same NOT_FOUND.
 */
export async function assertUserVisible(userId: string, ctx: TenancyContext): Promise<void> {
  if ((await visibleMemberships(userId, ctx)).length === 0) throw fail('NOT_FOUND', 'userId: no such user in your organisations.', { field: 'userId' });
}

const isSelf = (userId: string, ctx: TenancyContext) => ctx.caller.kind === 'authenticated' && ctx.caller.typ === 'user' && ctx.caller.sub === userId;

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  /** The user sees all their memberships; anyone else only those in organisations they may see. */
  memberships: (user, _args, ctx) => (isSelf(user.id, ctx) ? ctx.loaders.membershipsOfUser.load(parentKey(user.id)) : visibleMemberships(user.id, ctx)),
};
