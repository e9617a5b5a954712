import { isUuid, parseId, parsePage, toConnection, toMoney } from '@platform/kernel';
import type { OrganizationResolvers, QueryResolvers, WalletHoldResolvers, WalletResolvers, WalletTransactionResolvers } from '../__generated__/resolvers-types.ts';
import { availableOf } from '../domain/wallet.ts';
import { visibleWallet } from './access.ts';

export const Query: QueryResolvers = {
  async wallet(_parent, { id }, ctx) {
    ctx.access.requireCaller();
    return visibleWallet(ctx, await ctx.loaders.walletById.load(parseId(id, 'id')));
  },
};

export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async wallet(org, _args, ctx) {
    if (!isUuid(org.id) || !(await ctx.access.canSee(org.id.toLowerCase()))) return null;
    return ctx.loaders.walletByOrganization.load(org.id.toLowerCase());
  },
};

export const Wallet: WalletResolvers = {
  async __resolveReference(ref, ctx) {
    if (!isUuid(ref.id)) return null;
    return visibleWallet(ctx, await ctx.loaders.walletById.load(ref.id.toLowerCase()));
  },
  organization: (wallet) => ({ id: wallet.organizationId }),
  balance: (wallet) => toMoney(wallet.balance, wallet.currency),
  available: (wallet) => toMoney(availableOf(wallet), wallet.currency),
  lowBalanceThreshold: (wallet) => (wallet.lowBalanceThreshold === null ? null : toMoney(wallet.lowBalanceThreshold, wallet.currency)),
  async holds(wallet, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    return toConnection(await ctx.wallets.holds(wallet.id, args.status ?? null, page), page, (h) => h.id);
  },
  async transactions(wallet, args, ctx) {
    const page = parsePage(args, { cursor: 'id' });
    const filter = {
      kinds: args.filter?.kinds ?? null,
      since: args.filter?.since ?? null,
      until: args.filter?.until ?? null,
    };
    return toConnection(await ctx.wallets.postings(wallet.id, page, filter), page, (p) => p.id);
  },
};

export const WalletTransaction: WalletTransactionResolvers = {
  amount: (p) => toMoney(p.amount, p.currency),
  balanceAfter: (p) => toMoney(p.balanceAfter, p.currency),
  correctsTransactionId: (p) => p.correctsTransferId,
};

export const WalletHold: WalletHoldResolvers = {
  amount: (h) => toMoney(h.amount, h.currency),
  capturedAmount: (h) => (h.capturedAmount === null ? null : toMoney(h.capturedAmount, h.currency)),
};
