import { fail, roleSatisfies, type Role } from '@platform/kernel';
import type { WalletContext } from '../context.ts';
import type { Wallet } from '../domain/wallet.ts';

/**
 * A user or API key acting on an organisation in its subtree with `role`. An organisation outside
 * the subtree is NOT_FOUND, so a caller cannot tell a foreign organisation from a missing one.
 */
export async function requireRoleOn(ctx: WalletContext, organizationId: string, role: Role): Promise<void> {
  const caller = ctx.access.requireMember();
  if (!(await ctx.access.canSee(organizationId))) {
    throw fail('NOT_FOUND', 'organizationId: no organisation you can see has this id.', { field: 'organizationId' });
  }
  if (!roleSatisfies(caller.role, role)) throw fail('FORBIDDEN', `This needs the ${role} role; you have ${caller.role}.`);
}

/** Provider staff: ADMIN (or OWNER) acting in the provider organisation itself. */
export async function requireProviderStaff(ctx: WalletContext): Promise<void> {
  const caller = ctx.access.requireMember();
  const node = await ctx.access.node(caller.org);
  if (node?.kind !== 'PROVIDER' || !roleSatisfies(caller.role, 'ADMIN')) {
    throw fail('FORBIDDEN', 'Only provider staff (ADMIN on the provider) may adjust a wallet.');
  }
}

/** The wallet if the caller may see its organisation, else null. */
export async function visibleWallet(ctx: WalletContext, wallet: Wallet | null): Promise<Wallet | null> {
  return wallet && (await ctx.access.canSee(wallet.organizationId)) ? wallet : null;
}
