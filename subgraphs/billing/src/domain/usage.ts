import type { CpuSpeedClass, StorageTier } from '@platform/kernel';

/** A VM's billable shape. */
export interface VmShape {
  readonly vcpu: number;
  readonly cpuSpeed: CpuSpeedClass;
  readonly memoryGib: number;
  readonly diskGib: number;
  readonly storageTier: StorageTier;
  /** SKUs of LICENCE products: billed like compute, per running hour. */
  readonly licences: readonly string[];
  /** SKUs of ADD_ON products: billed monthly, pro rata over the time the VM is allocated. */
  readonly addOns: readonly string[];
}

/**
 * A VM's state as billing observed it at an instant (a lifecycle event, or the reconciliation pass).
 * It is in force until the VM's next observation by time: a late event slots in where it belongs.
 */
export interface VmObservation {
  /** The event id, or a reconciliation key: the same source is recorded once. */
  readonly sourceId: string;
  readonly vmId: string;
  readonly organizationId: string;
  readonly productId: string | null;
  readonly at: Date;
  /** Compute (vCPU, RAM, licences) is billed while running. */
  readonly running: boolean;
  /** Storage is billed while allocated, running or not. */
  readonly allocated: boolean;
  readonly shape: VmShape;
  readonly source: 'event' | 'reconcile';
}

/** What the vms contracts call status and power state, reduced to what billing charges for. */
export function billableState(status: string, powerState: string): { running: boolean; allocated: boolean } {
  const allocated = status === 'RUNNING' || status === 'STOPPED' || status === 'SUSPENDED';
  return { allocated, running: allocated && status === 'RUNNING' && powerState === 'POWERED_ON' };
}

/** A SKU list from outside (an event, the inventory): each string once, in order; anything else is none (old events carry no list). */
export function skuList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((sku): sku is string => typeof sku === 'string' && sku.length > 0))];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((sku, i) => sku === b[i]);

/** Whether two shapes bill the same. */
export const sameShape = (a: VmShape, b: VmShape): boolean =>
  a.vcpu === b.vcpu &&
  a.cpuSpeed === b.cpuSpeed &&
  a.memoryGib === b.memoryGib &&
  a.diskGib === b.diskGib &&
  a.storageTier === b.storageTier &&
  sameList(a.licences, b.licences) &&
  sameList(a.addOns, b.addOns);

/** One span of a VM's timeline inside a window: the observation in force over [from, to). */
export interface UsageSpan {
  readonly observation: VmObservation;
  readonly from: Date;
  readonly to: Date;
}

/**
 * Each VM's observations (any order) as spans clipped to [from, to): an observation lasts until the
 * VM's next one by time (ties: the later-recorded wins, as it comes later in the list).
 */
export function spansOf(observations: readonly VmObservation[], from: Date, to: Date): UsageSpan[] {
  const byVm = new Map<string, VmObservation[]>();
  for (const o of observations) {
    const list = byVm.get(o.vmId) ?? [];
    list.push(o);
    byVm.set(o.vmId, list);
  }
  const spans: UsageSpan[] = [];
  for (const list of byVm.values()) {
    const sorted = list.map((o, i) => ({ o, i })).sort((a, b) => a.o.at.getTime() - b.o.at.getTime() || a.i - b.i);
    sorted.forEach(({ o }, k) => {
      const next = sorted[k + 1]?.o.at;
      const start = Math.max(o.at.getTime(), from.getTime());
      const end = Math.min(next ? next.getTime() : Number.POSITIVE_INFINITY, to.getTime());
      if (end > start) spans.push({ observation: o, from: new Date(start), to: new Date(end) });
    });
  }
  return spans;
}
