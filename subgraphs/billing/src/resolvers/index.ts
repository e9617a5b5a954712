import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Bill, BillingPeriod, BillLineType as BillLine, CurrentBill } from './bill.ts';
import { Mutation } from './mutation.ts';
import { Organization, Usage } from './organization.ts';
import { Query } from './query.ts';
import { VirtualMachine } from './virtual-machine.ts';

export const resolvers: Resolvers = { DateTime, Query, Mutation, Bill, BillLine, CurrentBill, BillingPeriod, Organization, Usage, VirtualMachine };
