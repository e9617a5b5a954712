import { toMoney } from '@platform/kernel';
import type { WalletTransactionResolvers } from '../__generated__/resolvers-types.ts';

export const WalletTransaction: WalletTransactionResolvers = {
  amount: (p) => toMoney(p.amount, p.currency),
  balanceAfter: (p) => toMoney(p.balanceAfter, p.currency),
  correctsTransactionId: (p) => p.correctsTransferId,
};
