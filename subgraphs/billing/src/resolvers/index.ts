import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Bill, BillingPeriod, BillLineType as BillLine, CurrentBill } from './bill.ts';
import { Budget } from './budget.ts';
import { CommissionLine, CommissionRate, CommissionStatement } from './commission-statement.ts';
import { Mutation } from './mutation.ts';
import { Organization, Usage } from './organization.ts';
import { paymentMutations } from './payments-mutation.ts';
import { paymentQueries } from './payments-query.ts';
import { Query } from './query.ts';
import { TopUp } from './top-up.ts';
import { VirtualMachine } from './virtual-machine.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: { ...Query, ...paymentQueries },
  Mutation: { ...Mutation, ...paymentMutations },
  Bill,
  BillLine,
  CurrentBill,
  BillingPeriod,
  Organization,
  Usage,
  VirtualMachine,
  TopUp,
  Budget,
  CommissionStatement,
  CommissionLine,
  CommissionRate,
};
