import type { Logger } from '@platform/kernel';
import { insertObservations, latestObservations } from '../db/usage-repository.ts';
import type { BillingDb } from '../db/types.ts';
import type { Clock } from './clock.ts';
import type { InventoryPort, InventoryVm } from './ports.ts';
import { billableState, sameShape, skuList, type VmObservation, type VmShape } from './usage.ts';

const PAGE = 500;

function shapeOf(vm: InventoryVm): VmShape {
  return {
    vcpu: vm.vcpu ?? 0,
    cpuSpeed: vm.cpuSpeed === 'ECONOMY' ? 'ECONOMY' : 'STANDARD',
    memoryGib: Math.ceil((vm.memoryMib ?? 0) / 1024),
    diskGib: vm.diskGib,
    storageTier: vm.storageTier === 'PREMIUM' ? 'PREMIUM' : 'STANDARD',
    licences: skuList(vm.licences),
    addOns: skuList(vm.addOns),
  };
}

const sameState = (o: VmObservation, running: boolean, allocated: boolean, shape: VmShape) =>
  o.running === running && o.allocated === allocated && sameShape(o.shape, shape);

/**
 * Compares billing's view with the vms inventory. A VM billing has never heard of (seeded or imported
 * without events) is observed from its creation/import time in the state it reports; a VM whose latest
 * observation disagrees with the inventory (a missed event) is observed in its reported state from now.
 * Idempotent: the initial observation's key is per VM, and an agreeing VM adds nothing.
 */
export class Reconciliation {
  constructor(
    private readonly db: BillingDb,
    private readonly inventory: InventoryPort,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<{ added: number; repaired: number }> {
    let after: string | null = null;
    let added = 0;
    let repaired = 0;
    for (;;) {
      const page = await this.inventory.page(after, PAGE);
      if (page.length === 0) break;
      const latest = await latestObservations(
        this.db,
        page.map((vm) => vm.id),
      );
      const now = this.clock();
      const observations: VmObservation[] = [];
      for (const vm of page) {
        const { running, allocated } = billableState(vm.status, vm.powerState);
        const shape = shapeOf(vm);
        const known = latest.get(vm.id);
        const base = { vmId: vm.id, organizationId: vm.organizationId, productId: vm.productId, running, allocated, shape, source: 'reconcile' as const };
        if (!known) {
          observations.push({ ...base, sourceId: `reconcile:${vm.id}:initial`, at: vm.createdAt });
          added += 1;
        } else if (!sameState(known, running, allocated, shape) && known.at < now) {
          observations.push({ ...base, sourceId: `reconcile:${vm.id}:${now.getTime()}`, at: now });
          repaired += 1;
        }
      }
      await insertObservations(this.db, observations);
      after = page[page.length - 1]!.id;
      if (page.length < PAGE) break;
    }
    if (added + repaired > 0) this.logger.info('billing reconciliation', { added, repaired });
    return { added, repaired };
  }
}
