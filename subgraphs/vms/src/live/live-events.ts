import type { VmStatus } from '../domain/vm.ts';

/** A VM's status change as live subscribers see it (from the lifecycle outbox events). */
export interface VmStatusChange {
  readonly vmId: string;
  readonly organizationId: string;
  readonly fromStatus: VmStatus | null;
  readonly toStatus: VmStatus;
  readonly at: Date;
}

/** One ingested sample of one VM, as `virtualMachineMetrics` delivers it. */
export interface VmMetricsSample {
  readonly vmId: string;
  readonly organizationId: string;
  readonly at: Date;
  readonly values: Readonly<Record<string, number | undefined>>;
}

/** The live channels (kernel LiveChannel): every vms replica listens to each. */
export const STATUS_CHANNEL = 'vms.vm-status';
/** Samples published a batch per message (`{ samples: [...] }`): an ingest of 5,000 VMs is 5 messages, not 5,000. */
export const SAMPLE_BATCHES_CHANNEL = 'vms.sample-batches';
/**
 * Which VMs each replica has sample subscribers for (`{ replica, vmIds }`, repeated as a heartbeat), or a
 * replica starting up asking the others to say (`{ replica, ask: true }`): a publisher sends only the samples
 * someone watches, so ingest pays nothing for live charts while no chart is open.
 */
export const SAMPLE_INTEREST_CHANNEL = 'vms.sample-interest';
/** Samples per message on SAMPLE_BATCHES_CHANNEL. */
export const SAMPLES_PER_MESSAGE = 1000;

/** On the wire dates are ISO strings; a message that is not one of ours is dropped. */
export function statusChangeFrom(message: unknown): VmStatusChange | null {
  const m = message as Partial<Record<keyof VmStatusChange, unknown>> | null;
  if (!m || typeof m.vmId !== 'string' || typeof m.organizationId !== 'string' || typeof m.toStatus !== 'string' || typeof m.at !== 'string') return null;
  return {
    vmId: m.vmId,
    organizationId: m.organizationId,
    fromStatus: typeof m.fromStatus === 'string' ? (m.fromStatus as VmStatus) : null,
    toStatus: m.toStatus as VmStatus,
    at: new Date(m.at),
  };
}

export function sampleFrom(message: unknown): VmMetricsSample | null {
  const m = message as Partial<Record<keyof VmMetricsSample, unknown>> | null;
  if (!m || typeof m.vmId !== 'string' || typeof m.organizationId !== 'string' || typeof m.at !== 'string' || typeof m.values !== 'object' || !m.values)
    return null;
  return { vmId: m.vmId, organizationId: m.organizationId, at: new Date(m.at), values: m.values as Record<string, number> };
}

/** The live channel alert transitions travel on (from the `vms.alert.changed` outbox events). */
export const ALERTS_CHANNEL = 'vms.alert-transitions';

/** One alert transition as the live channel carries it; `orgPath` (root first, the organisation last) lets SUBTREE subscriptions filter without a lookup. */
export interface LiveAlertTransition {
  readonly seq: bigint;
  readonly alertId: string;
  readonly vmId: string;
  readonly organizationId: string;
  readonly orgPath: readonly string[];
  readonly fromStatus: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED' | null;
  readonly toStatus: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';
  readonly at: Date;
}

const ALERT_STATUSES = new Set(['PENDING', 'FIRING', 'ACKNOWLEDGED', 'RESOLVED']);

/** On the wire seq is a decimal string and dates ISO strings. */
export function alertWireMessage(t: LiveAlertTransition): Record<string, unknown> {
  return { ...t, seq: t.seq.toString(), at: t.at.toISOString() };
}

export function alertTransitionFrom(message: unknown): LiveAlertTransition | null {
  const m = message as Partial<Record<keyof LiveAlertTransition, unknown>> | null;
  if (
    !m ||
    typeof m.seq !== 'string' ||
    !/^\d{1,19}$/.test(m.seq) ||
    typeof m.alertId !== 'string' ||
    typeof m.vmId !== 'string' ||
    typeof m.organizationId !== 'string' ||
    !Array.isArray(m.orgPath) ||
    typeof m.toStatus !== 'string' ||
    !ALERT_STATUSES.has(m.toStatus) ||
    typeof m.at !== 'string'
  )
    return null;
  return {
    seq: BigInt(m.seq),
    alertId: m.alertId,
    vmId: m.vmId,
    organizationId: m.organizationId,
    orgPath: (m.orgPath as unknown[]).filter((id): id is string => typeof id === 'string'),
    fromStatus: typeof m.fromStatus === 'string' && ALERT_STATUSES.has(m.fromStatus) ? (m.fromStatus as LiveAlertTransition['fromStatus']) : null,
    toStatus: m.toStatus as LiveAlertTransition['toStatus'],
    at: new Date(m.at),
  };
}

/** The samples of a batch message; malformed entries are left out (null when the message is not a batch). */
export function samplesFrom(message: unknown): { samples: VmMetricsSample[]; malformed: number } | null {
  const list = (message as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(list)) return null;
  const samples: VmMetricsSample[] = [];
  for (const item of list) {
    const sample = sampleFrom(item);
    if (sample) samples.push(sample);
  }
  return { samples, malformed: list.length - samples.length };
}

/** A replica's sample interest as the live channel carries it; null when the message is not one. */
export function sampleInterestFrom(message: unknown): { replica: string; vmIds: string[] | null; ask: boolean } | null {
  const m = message as { replica?: unknown; vmIds?: unknown; ask?: unknown } | null;
  if (!m || typeof m.replica !== 'string') return null;
  const vmIds = Array.isArray(m.vmIds) ? m.vmIds.filter((id): id is string => typeof id === 'string') : null;
  if (vmIds === null && m.ask !== true) return null;
  return { replica: m.replica, vmIds, ask: m.ask === true };
}
