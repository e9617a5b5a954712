import { defineConsumer, VM_CHANGED_TOPICS, type VmChanged } from '@platform/events';
import { consumeOnce, inTransaction, isUuid, type EventConsumer, type Logger } from '@platform/kernel';
import { insertObservations } from '../db/usage-repository.ts';
import type { BillingDb } from '../db/types.ts';
import { billableState, skuList, type VmObservation } from './usage.ts';

/** A VM lifecycle event as billing's observation of the VM at the event's time; null when malformed. */
export function observationOf(eventId: string, payload: VmChanged): VmObservation | null {
  const p = payload as Partial<VmChanged> | null;
  const at = typeof p?.at === 'string' ? new Date(p.at) : null;
  if (
    !p ||
    typeof p.vmId !== 'string' ||
    typeof p.organizationId !== 'string' ||
    !isUuid(p.vmId) ||
    !isUuid(p.organizationId) ||
    !at ||
    Number.isNaN(at.getTime()) ||
    !p.spec ||
    !p.status ||
    !p.powerState
  )
    return null;
  const { running, allocated } = billableState(p.status, p.powerState);
  return {
    sourceId: eventId,
    vmId: p.vmId,
    organizationId: p.organizationId,
    productId: p.productId && isUuid(p.productId) ? p.productId : null,
    at,
    running,
    allocated,
    shape: {
      vcpu: p.spec.vcpu ?? 0,
      cpuSpeed: p.spec.cpuSpeed === 'ECONOMY' ? 'ECONOMY' : 'STANDARD',
      memoryGib: Math.ceil((p.spec.memoryMib ?? 0) / 1024),
      diskGib: p.spec.diskGib ?? 0,
      storageTier: p.spec.storageTier === 'PREMIUM' ? 'PREMIUM' : 'STANDARD',
      // Events from before VMs carried licences and add-ons have neither field: none.
      licences: skuList(p.licences),
      addOns: skuList(p.addOns),
    },
    source: 'event',
  };
}

/**
 * Usage from VM lifecycle events. Durable and named, so it also replays events produced before billing
 * first started. Idempotent by event id; a late event takes its place by event time (`at`).
 */
export function usageFromVmEvents(db: BillingDb, logger: Logger): EventConsumer {
  return defineConsumer({
    name: 'billing.usage',
    topics: VM_CHANGED_TOPICS,
    handle: async (event) => {
      const observation = observationOf(event.id, event.payload);
      if (!observation) {
        // The contract is a compile-time promise; a malformed event cannot be fixed by retrying it.
        logger.warn('ignoring malformed VM event', { eventId: event.id, topic: event.topic });
        return;
      }
      await inTransaction(db, (trx) =>
        consumeOnce(trx, event.id, async () => {
          await insertObservations(trx, [observation]);
        }),
      );
    },
  });
}
