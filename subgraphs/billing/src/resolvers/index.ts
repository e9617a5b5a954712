import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Budget } from './budget.ts';
import { CommissionLine, CommissionRate, CommissionStatement } from './commission-statement.ts';
import { Mutation } from './mutation.ts';
import { Note } from './note.ts';
import { Organization } from './organization.ts';
import { paymentMutations } from './payments-mutation.ts';
import { paymentQueries } from './payments-query.ts';
import { Query } from './query.ts';
import { TopUp } from './top-up.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: { ...Query, ...paymentQueries },
  Mutation: { ...Mutation, ...paymentMutations },
  Note,
  Organization,
  TopUp,
  Budget,
  CommissionStatement,
  CommissionLine,
  CommissionRate,
};
