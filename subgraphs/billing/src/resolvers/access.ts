import { roleSatisfies } from '@platform/kernel';
import type { BillingContext } from '../context.ts';

/**
 * Money (bills, current bill, costs) is for BILLING and the roles that imply it (OWNER, ADMIN) on an
 * organisation the caller can see; MEMBER and VIEWER see usage, not money. A service sees none.
 */
export async function canReadMoney(ctx: BillingContext, organizationId: string): Promise<boolean> {
  const caller = ctx.caller;
  if (caller.kind !== 'authenticated' || caller.role === null) return false;
  return roleSatisfies(caller.role, 'BILLING') && (await ctx.access.canSee(organizationId));
}
