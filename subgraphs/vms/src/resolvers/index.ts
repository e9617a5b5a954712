import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { DateTime } from './date-time.ts';
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
