import { defineConsumer, VM_CHANGED_TOPICS } from '@platform/events';
import type { EventConsumer } from '@platform/kernel';
import type { VmStatus } from '../domain/vm.ts';
import type { LiveHub } from './live-hub.ts';

/** Where a topic does not carry the previous status, what it must have been. */
const KNOWN_FROM: Partial<Record<(typeof VM_CHANGED_TOPICS)[number], VmStatus>> = {
  'vms.vm.provisioned': 'PROVISIONING',
  'vms.vm.provision_failed': 'PROVISIONING',
};

/**
 * Older events are history, not news: a consumer group created on a bus with days of retained events
 * (first deploy, Redis) would otherwise replay them all to live subscribers.
 */
const LIVE_HORIZON_MS = 5 * 60_000;

/**
 * The VM lifecycle outbox events, turned into live status changes on the live channel. One named
 * consumer: across replicas (Redis) one vms replica takes each event and publishes it once; the
 * live channel (Redis pub/sub) then brings it to every replica's subscriptions. Delivery is live,
 * not durable: a change published while nobody listens is not kept.
 */
export function liveStatusFeed(hub: LiveHub): EventConsumer {
  return defineConsumer({
    name: 'vms.live-status',
    topics: [...VM_CHANGED_TOPICS],
    handle: async (event) => {
      const p = event.payload;
      if (Date.now() - Date.parse(p.at) > LIVE_HORIZON_MS) return;
      await hub.publishStatus({
        vmId: p.vmId,
        organizationId: p.organizationId,
        fromStatus: p.previousStatus ?? KNOWN_FROM[event.topic] ?? null,
        toStatus: p.status,
        at: new Date(p.at),
      });
    },
  });
}
