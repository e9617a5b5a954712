import { toMoney } from '@platform/kernel';
import type { WalletHoldResolvers } from '../__generated__/resolvers-types.ts';

export const WalletHold: WalletHoldResolvers = {
  amount: (h) => toMoney(h.amount, h.currency),
  capturedAmount: (h) => (h.capturedAmount === null ? null : toMoney(h.capturedAmount, h.currency)),
};
