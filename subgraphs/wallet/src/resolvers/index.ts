import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { DateTimeScalar as DateTime } from '@platform/kernel';
import { internalMutations } from './internal-mutation.ts';
import { publicMutations } from './mutation.ts';
import { Organization } from './organization.ts';
import { Query } from './query.ts';
import { Wallet } from './wallet.ts';
import { WalletHold } from './wallet-hold.ts';
import { WalletTransaction } from './wallet-transaction.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation: { ...publicMutations, ...internalMutations },
  Organization,
  Wallet,
  WalletTransaction,
  WalletHold,
};
