import { parsePage, toConnection, toMoney } from '@platform/kernel';
import type { WalletResolvers } from '../__generated__/resolvers-types.ts';
import { availableOf } from '../domain/wallet.ts';

export const Wallet: WalletResolvers = {
  /** As gateways call it: a malformed, missing or foreign id is null. */
  async __resolveReference(ref, ctx) {
    const wallet = await ctx.loaders.walletById.load(ref.id.toLowerCase());
    return wallet && (await ctx.access.canSee(wallet.organizationId)) ? wallet : null;
  },
  organization: (wallet) => ({ id: wallet.organizationId }),
  balance: (wallet) => toMoney(wallet.balance, wallet.currency),
  available: (wallet) => toMoney(availableOf(wallet), wallet.currency),
  lowBalanceThreshold: (wallet) => (wallet.lowBalanceThreshold === null ? null : toMoney(wallet.lowBalanceThreshold, wallet.currency)),
  async holds(wallet, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const query = { fetch: page.fetch, after: page.after, filter: args.status ?? null };
    return toConnection(await ctx.loaders.walletHolds.load({ parentId: wallet.id, query }), page, (h) => h.id);
  },
  async transactions(wallet, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const filter = { kinds: args.filter?.kinds ?? null, since: args.filter?.since ?? null, until: args.filter?.until ?? null };
    const query = { fetch: page.fetch, after: page.after, filter };
    return toConnection(await ctx.loaders.walletPostings.load({ parentId: wallet.id, query }), page, (p) => p.id);
  },
};
