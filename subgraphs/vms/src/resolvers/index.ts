import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Mutation } from './mutation.ts';
import { Organization } from './organization.ts';
import { Query } from './query.ts';
import { ResourceSummary } from './resource-summary.ts';
import { Subscription, VirtualMachineMetricsSample, VirtualMachineStatusEvent } from './subscription.ts';
import { VirtualMachine } from './virtual-machine.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Organization,
  ResourceSummary,
  VirtualMachine,
  Subscription,
  VirtualMachineStatusEvent,
  VirtualMachineMetricsSample,
};
