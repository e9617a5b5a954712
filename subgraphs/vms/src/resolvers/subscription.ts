import { badInput, fail, parseId } from '@platform/kernel';
import type {
  AlertEventResolvers,
  SubscriptionResolvers,
  VirtualMachineMetricsSampleResolvers,
  VirtualMachineStatusEventResolvers,
} from '../__generated__/resolvers-types.ts';
import { alertCursor, parseAlertCursor, replayThenLive, type AlertEventSource, type AlertTransition } from '../live/alert-replay.ts';
import { filtered } from '../live/live-hub.ts';
import type { VmMetricsSample, VmStatusChange } from '../live/live-events.ts';
import { visibleVm } from './virtual-machine.ts';

export const Subscription: SubscriptionResolvers = {
  virtualMachineStatusChanged: {
    // Checked at start (NOT_FOUND for an organisation the caller cannot see), then per event with a
    // fresh access cache: an organisation moved out of the caller's subtree stops delivering.
    subscribe: async (_parent, { organizationId, scope }, ctx) => {
      const orgId = parseId(organizationId, 'organizationId');
      await ctx.access.assertMember(orgId, 'VIEWER', { field: 'organizationId' });
      const subtree = scope === 'SUBTREE';
      const queue = ctx.services.live.statusChanges(subtree ? null : orgId);
      return filtered(
        queue,
        async (change) => {
          const access = ctx.access.fresh();
          if (!(await access.canSee(change.organizationId))) return false;
          if (change.organizationId === orgId) return true;
          return subtree && ((await access.node(change.organizationId))?.ancestors.includes(orgId) ?? false);
        },
        ctx.logger,
      );
    },
    resolve: (change: VmStatusChange) => change,
  },
  virtualMachineMetrics: {
    subscribe: async (_parent, { id }, ctx) => {
      const vmId = parseId(id, 'id');
      ctx.access.requireMember();
      const vm = await visibleVm(ctx, await ctx.services.liveVmLookup.load(vmId));
      if (!vm) throw fail('NOT_FOUND', 'id: no virtual machine you can see has this id.', { field: 'id' });
      return filtered(ctx.services.live.samples(vmId), (sample) => ctx.access.fresh().canSee(sample.organizationId), ctx.logger);
    },
    resolve: (sample: VmMetricsSample) => sample,
  },
  alertEvents: {
    // Checked at start (the cursor first: nothing is read for a malformed one), then per event with a
    // fresh access cache, as for status changes.
    subscribe: async (_parent, { organizationId, scope, after }, ctx) => {
      const orgId = parseId(organizationId, 'organizationId');
      const afterSeq = parseAlertCursor(after);
      if (afterSeq === undefined) throw badInput('after', 'is not a cursor this API issued (pass back the `cursor` of an AlertEvent).');
      await ctx.access.assertMember(orgId, 'VIEWER', { field: 'organizationId' });
      const subtree = scope === 'SUBTREE';
      const { alerts, live } = ctx.services;
      if (afterSeq !== null && afterSeq > BigInt(await alerts.latestSeq())) {
        throw badInput('after', 'is not a cursor this API issued (it is beyond the newest alert event).');
      }
      const source: AlertEventSource = {
        listAfter: async (seq, limit) =>
          (await alerts.listAfter([orgId], seq.toString(), limit, subtree ? 'SUBTREE' : 'SELF')).map((t): AlertTransition => ({
            seq: BigInt(t.seq),
            alertId: t.alertId,
            vmId: t.vmId,
            organizationId: t.organizationId,
            fromStatus: t.fromStatus,
            toStatus: t.toStatus,
            at: t.at,
          })),
        latestSeq: async () => BigInt(await alerts.latestSeq()),
        // Only this subscription's organisations: a transition elsewhere is not a gap to re-read for.
        subscribe: (listener) =>
          live.alertTransitions((t) => {
            if (subtree ? t.orgPath.includes(orgId) : t.organizationId === orgId) listener(t);
          }),
      };
      return replayThenLive(source, afterSeq, async (t) => {
        try {
          const access = ctx.access.fresh();
          if (!(await access.canSee(t.organizationId))) return false;
          if (t.organizationId === orgId) return true;
          return subtree && ((await access.node(t.organizationId))?.ancestors.includes(orgId) ?? false);
        } catch (error) {
          ctx.logger.error('alert event withheld: its visibility could not be checked', { error });
          return false;
        }
      });
    },
    resolve: (transition: AlertTransition) => transition,
  },
};

export const AlertEvent: AlertEventResolvers = {
  cursor: (t) => alertCursor(t),
  // Each event runs with fresh loaders: the alert as it is now.
  alert: async (t, _args, ctx) => {
    const alert = await ctx.loaders.alert.load(t.alertId);
    if (!alert) throw fail('NOT_FOUND', 'The alert is no longer visible.');
    return alert;
  },
};

export const VirtualMachineStatusEvent: VirtualMachineStatusEventResolvers = {
  // Each event runs with fresh loaders, so this is the VM as it is now (one statement per event's VMs).
  vm: async (change, _args, ctx) => {
    const vm = await visibleVm(ctx, await ctx.loaders.vm.load(change.vmId));
    if (!vm) throw fail('NOT_FOUND', 'The virtual machine is no longer visible.');
    return vm;
  },
};

const metric = (sample: VmMetricsSample, name: string) => sample.values[name] ?? null;

export const VirtualMachineMetricsSample: VirtualMachineMetricsSampleResolvers = {
  vmId: (s) => s.vmId,
  at: (s) => s.at,
  cpuPercent: (s) => metric(s, 'cpu_percent'),
  memoryPercent: (s) => metric(s, 'memory_percent'),
  diskReadBytesPerSecond: (s) => metric(s, 'disk_read_bytes_per_second'),
  diskWriteBytesPerSecond: (s) => metric(s, 'disk_write_bytes_per_second'),
  networkReceiveBytesPerSecond: (s) => metric(s, 'network_receive_bytes_per_second'),
  networkTransmitBytesPerSecond: (s) => metric(s, 'network_transmit_bytes_per_second'),
};
