import { fail, isUuid, roleSatisfies, type AuthenticatedCaller } from '@platform/kernel';
import type { IdentityContext } from '../context.ts';
import type { ApiKey } from '../domain/api-key.ts';

/** Keys are made and revoked by people: an API key (or a service) cannot mint or revoke keys. */
export function requireSignedInUser(ctx: IdentityContext): AuthenticatedCaller {
  const caller = ctx.access.requireCaller();
  if (caller.typ !== 'user') throw fail('FORBIDDEN', 'API keys are managed by signed-in users, not with an API key or a service token.');
  return caller;
}

/**
 * Who sees which of an organisation's keys (the caller may already see the organisation): an ADMIN
 * sees all; another user only those it owns; an API key only itself.
 */
export function keyFilterFor(caller: AuthenticatedCaller): { ownerUserId: string | null; keyId: string | null } {
  if (caller.typ === 'api_key') return { ownerUserId: null, keyId: caller.sub };
  if (caller.role !== null && roleSatisfies(caller.role, 'ADMIN')) return { ownerUserId: null, keyId: null };
  return { ownerUserId: caller.sub, keyId: null };
}

/** The key if the caller may see it (its organisation visible and the filter above passed), else NOT_FOUND. */
export async function visibleKey(ctx: IdentityContext, id: string, field = 'id'): Promise<ApiKey> {
  const caller = ctx.access.requireCaller();
  const key = isUuid(id) ? await ctx.loaders.apiKeyById.load(id.toLowerCase()) : null;
  const filter = keyFilterFor(caller);
  const visible =
    key !== null &&
    (await ctx.access.canSee(key.organizationId)) &&
    (filter.keyId === null || filter.keyId === key.id) &&
    (filter.ownerUserId === null || filter.ownerUserId === key.ownerUserId);
  if (!visible) throw fail('NOT_FOUND', `${field}: no API key you can see has this id.`, { field });
  return key;
}
