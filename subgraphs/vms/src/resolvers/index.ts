import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { DateTimeScalar as DateTime } from '@platform/kernel';
import { Mutation } from './mutations.ts';
import { Organization, Query, ResourceSummary, VirtualMachine } from './reads.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Organization,
  ResourceSummary,
  VirtualMachine,
};
