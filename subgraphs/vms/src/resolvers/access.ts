import { fail, roleSatisfies, type AuthenticatedCaller } from '@platform/kernel';
import type { VmsContext } from '../context.ts';
import type { Vm } from '../domain/vm.ts';

/** The VM if the caller may see its organisation, else null. */
export async function visibleVm(ctx: VmsContext, vm: Vm | null): Promise<Vm | null> {
  return vm && (await ctx.access.canSee(vm.organizationId)) ? vm : null;
}

/**
 * A user or API key with MEMBER (or above) acting on an organisation in its subtree. An organisation
 * outside the subtree is NOT_FOUND, so a caller cannot tell a foreign organisation from a missing one.
 */
export async function requireMemberOn(ctx: VmsContext, organizationId: string, field: string, what: string): Promise<AuthenticatedCaller> {
  const caller = ctx.access.requireMember();
  if (!(await ctx.access.canSee(organizationId))) throw fail('NOT_FOUND', `${field}: no ${what} you can see has this id.`, { field });
  if (!roleSatisfies(caller.role, 'MEMBER')) throw fail('FORBIDDEN', `This needs the MEMBER role; you have ${caller.role}.`);
  return caller;
}

/** A VM to operate on: visible (else NOT_FOUND) and the caller MEMBER or above on its organisation. */
export async function operableVm(ctx: VmsContext, id: string): Promise<{ vm: Vm; caller: AuthenticatedCaller }> {
  ctx.access.requireMember();
  const vm = await visibleVm(ctx, await ctx.loaders.vm.load(id));
  if (!vm) throw fail('NOT_FOUND', 'id: no VM you can see has this id.', { field: 'id' });
  const caller = await requireMemberOn(ctx, vm.organizationId, 'id', 'VM');
  return { vm, caller };
}

/** Provider staff: ADMIN (or OWNER) acting in the provider organisation itself. */
export async function requireProviderStaff(ctx: VmsContext, what: string): Promise<AuthenticatedCaller> {
  const caller = ctx.access.requireMember();
  const node = await ctx.access.node(caller.org);
  if (node?.kind !== 'PROVIDER' || !roleSatisfies(caller.role, 'ADMIN')) throw fail('FORBIDDEN', `Only provider staff (ADMIN on the provider) may ${what}.`);
  return caller;
}
