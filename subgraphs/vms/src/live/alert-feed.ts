import { defineConsumer } from '@platform/events';
import type { EventConsumer } from '@platform/kernel';
import { orgPathsOfSeqs } from '../db/alert-repository.ts';
import type { VmsDb } from '../db/types.ts';
import type { LiveHub } from './live-hub.ts';

/** As for status changes: transitions older than this are history (replayed from the table with `after`), not news. */
const LIVE_HORIZON_MS = 5 * 60_000;

/**
 * The `vms.alert.changed` outbox events, turned into live alert transitions on the live channel. One
 * named consumer: across replicas one vms replica takes each event and publishes it once, and the
 * live channel (Redis pub/sub) brings it to every replica's `alertEvents` subscriptions. A transition
 * published out of seq order, or lost, is recovered by the subscriptions themselves: they re-read
 * the `alert_events` table when a live seq skips ahead.
 */
export function liveAlertFeed(hub: LiveHub, db: VmsDb): EventConsumer {
  return defineConsumer({
    name: 'vms.live-alerts',
    topics: ['vms.alert.changed'],
    handle: async (event) => {
      const p = event.payload;
      // The event's own time, not the transition's: samples may arrive late, so `at` can be minutes old
      // for a transition committed just now.
      if (Date.now() - Date.parse(event.occurredAt) > LIVE_HORIZON_MS) return;
      const orgPath = (await orgPathsOfSeqs(db, [p.seq])).get(p.seq) ?? [p.organizationId];
      await hub.publishAlertTransition({
        seq: BigInt(p.seq),
        alertId: p.alertId,
        vmId: p.vmId,
        organizationId: p.organizationId,
        orgPath,
        fromStatus: p.fromStatus,
        toStatus: p.toStatus,
        at: new Date(p.at),
      });
    },
  });
}
