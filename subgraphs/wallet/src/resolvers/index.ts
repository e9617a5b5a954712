import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { DateTimeScalar as DateTime } from '@platform/kernel';
import { internalMutations } from './internal-mutation.ts';
import { publicMutations } from './mutation.ts';
import { Organization, Query, Wallet, WalletHold, WalletTransaction } from './wallet.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation: { ...publicMutations, ...internalMutations },
  Organization,
  Wallet,
  WalletTransaction,
  WalletHold,
};
