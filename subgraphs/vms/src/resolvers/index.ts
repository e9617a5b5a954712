import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Alert } from './alert.ts';
import { AlertRule } from './alert-rule.ts';
import { FleetUtilization } from './fleet-utilization.ts';
import { MetricSample } from './metric-sample.ts';
import { Mutation } from './mutation.ts';
import { Organization } from './organization.ts';
import { Query } from './query.ts';
import { ResourceSummary } from './resource-summary.ts';
import { VirtualMachineMetrics } from './virtual-machine-metrics.ts';
import { AlertEvent, Subscription, VirtualMachineMetricsSample, VirtualMachineStatusEvent } from './subscription.ts';
import { VirtualMachine } from './virtual-machine.ts';

export const resolvers: Resolvers = {
  DateTime,
  Alert,
  AlertEvent,
  AlertRule,
  Query,
  Mutation,
  Organization,
  ResourceSummary,
  VirtualMachine,
  VirtualMachineMetrics,
  MetricSample,
  FleetUtilization,
  Subscription,
  VirtualMachineStatusEvent,
  VirtualMachineMetricsSample,
};
