import { toMoney } from '@platform/kernel';
import type { BudgetResolvers } from '../__generated__/resolvers-types.ts';
import { percentOf } from '../domain/budget.ts';

export const Budget: BudgetResolvers = {
  amount: (b) => toMoney(b.amountMinor, b.currency),
  spent: (b) => toMoney(b.spentMinor, b.currency),
  percent: (b) => percentOf(b.spentMinor, b.amountMinor),
};
