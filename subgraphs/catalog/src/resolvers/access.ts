import { fail, roleSatisfies, type AuthenticatedCaller } from '@platform/kernel';
import type { CatalogContext } from '../context.ts';

/** Catalogue administration: a caller acting in the PROVIDER organisation with ADMIN or above. */
export async function requireProviderAdmin(ctx: CatalogContext): Promise<AuthenticatedCaller> {
  const caller = ctx.access.requireMember();
  const org = await ctx.access.node(caller.org);
  if (org?.kind !== 'PROVIDER' || !roleSatisfies(caller.role, 'ADMIN')) {
    throw fail('FORBIDDEN', 'Only provider administrators can change the catalogue.');
  }
  return caller;
}
