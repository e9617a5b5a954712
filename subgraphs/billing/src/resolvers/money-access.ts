import { roleSatisfies, type Role } from '@platform/kernel';
import type { BillingContext } from '../context.ts';

/** Money matters (top-ups, commission) need a role on an organisation the caller sees; services and others see nothing. */
export async function mayReadMoney(ctx: BillingContext, organizationId: string, role: Role = 'BILLING'): Promise<boolean> {
  const caller = ctx.access.caller;
  if (caller.kind !== 'authenticated' || caller.role === null || !roleSatisfies(caller.role, role)) return false;
  return ctx.access.canSee(organizationId);
}
