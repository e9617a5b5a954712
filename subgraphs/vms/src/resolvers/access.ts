import { fail, type AuthenticatedCaller } from '@platform/kernel';
import type { VmsContext } from '../context.ts';
import type { Vm } from '../domain/vm.ts';

/** The VM if the caller may see its organisation, else null. */
export async function visibleVm(ctx: VmsContext, vm: Vm | null): Promise<Vm | null> {
  return vm && (await ctx.access.canSee(vm.organizationId)) ? vm : null;
}

/** A VM to operate on: visible (else NOT_FOUND) and the caller MEMBER or above on its organisation. */
export async function operableVm(ctx: VmsContext, id: string): Promise<{ vm: Vm; caller: AuthenticatedCaller }> {
  ctx.access.requireMember();
  const vm = await visibleVm(ctx, await ctx.loaders.vm.load(id));
  if (!vm) throw fail('NOT_FOUND', 'id: no VM you can see has this id.', { field: 'id' });
  const caller = await ctx.access.assertMember(vm.organizationId, 'MEMBER', { field: 'id', what: 'VM' });
  return { vm, caller };
}
