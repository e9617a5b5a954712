import { fail } from '@platform/kernel';
import type { WalletContext } from '../context.ts';

/** The scope the payment flow (billing's webhook) carries to credit a wallet. */
export const CREDIT_SCOPE = 'wallet:credit';

/**
 * Money enters a wallet only through the payment flow or provider staff (DESIGN §4), never by a
 * customer's own word: a service token with `wallet:credit`, or BILLING (or above) on the provider.
 */
export async function assertMayCredit(ctx: WalletContext): Promise<'payment' | 'staff'> {
  const caller = ctx.access.requireCaller();
  if (caller.typ === 'service' ? caller.scopes.includes(CREDIT_SCOPE) : await ctx.access.isProviderStaff('BILLING')) {
    return caller.typ === 'service' ? 'payment' : 'staff';
  }
  throw fail('FORBIDDEN', 'Money comes into a wallet through payments: only the payment flow or provider staff (BILLING on the provider) may top up a wallet.');
}
