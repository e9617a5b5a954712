import type { WalletContext } from '../context.ts';
import type { Wallet } from '../domain/wallet.ts';

/** The wallet if the caller may see its organisation, else null. */
export async function visibleWallet(ctx: WalletContext, wallet: Wallet | null): Promise<Wallet | null> {
  return wallet && (await ctx.access.canSee(wallet.organizationId)) ? wallet : null;
}
