import { randomUUID } from 'node:crypto';
import { BoundedQueue, deriveAsyncIterator, type LiveChannel, type Logger } from '@platform/kernel';
import {
  ALERTS_CHANNEL,
  alertTransitionFrom,
  alertWireMessage,
  STATUS_CHANNEL,
  statusChangeFrom,
  type LiveAlertTransition,
  SAMPLE_BATCHES_CHANNEL,
  SAMPLE_INTEREST_CHANNEL,
  sampleInterestFrom,
  SAMPLES_PER_MESSAGE,
  samplesFrom,
  type VmMetricsSample,
  type VmStatusChange,
} from './live-events.ts';

/** Events a subscription may hold before the oldest are dropped (the gateway keeps its own per-client bound). */
const SUBSCRIPTION_BUFFER = 256;
/** Another replica's sample interest counts this long after it last said it; each replica repeats its own three times as often. */
export const SAMPLE_INTEREST_TTL_MS = 30_000;

/**
 * This replica's side of the live channels: one channel subscription per kind of event, fanned out
 * in process to the subscriptions that asked (by organisation for status, by VM for samples), so
 * 10,000 subscriptions cost 2 Redis subscriptions, not 10,000. Samples are published only for VMs some
 * replica has a subscriber for: each replica tells the others its VMs on SAMPLE_INTEREST_CHANNEL when the
 * set changes and as a heartbeat, so a replica that died stops counting after SAMPLE_INTEREST_TTL_MS.
 */
export class LiveHub {
  private readonly byOrg = new Map<string, Set<BoundedQueue<VmStatusChange>>>();
  private readonly byVm = new Map<string, Set<BoundedQueue<VmMetricsSample>>>();
  private readonly allStatus = new Set<BoundedQueue<VmStatusChange>>();
  private readonly alertListeners = new Set<(transition: LiveAlertTransition) => void>();
  private readonly unsubscribe: (() => void)[];
  private readonly replica = randomUUID();
  /** Other replicas' VMs with sample subscribers, and until when that holds. */
  private readonly remoteInterest = new Map<string, { vmIds: ReadonlySet<string>; until: number }>();
  private announcing = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly live: LiveChannel,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = [
      live.subscribe(STATUS_CHANNEL, (message) => {
        const change = statusChangeFrom(message);
        if (!change) return void logger.warn('malformed live status message dropped');
        for (const queue of this.byOrg.get(change.organizationId) ?? []) queue.push(change);
        for (const queue of this.allStatus) queue.push(change);
      }),
      live.subscribe(SAMPLE_BATCHES_CHANNEL, (message) => {
        const batch = samplesFrom(message);
        if (!batch) return void logger.warn('malformed live sample batch dropped');
        if (batch.malformed > 0) logger.warn('malformed live samples dropped', { count: batch.malformed });
        if (this.byVm.size === 0) return;
        for (const sample of batch.samples) this.deliverSample(sample);
      }),
      live.subscribe(ALERTS_CHANNEL, (message) => {
        const transition = alertTransitionFrom(message);
        if (!transition) return void logger.warn('malformed live alert message dropped');
        for (const listener of this.alertListeners) listener(transition);
      }),
      live.subscribe(SAMPLE_INTEREST_CHANNEL, (message) => {
        const interest = sampleInterestFrom(message);
        if (!interest) return void logger.warn('malformed live sample interest dropped');
        if (interest.replica === this.replica) return;
        if (interest.ask) this.announce();
        if (interest.vmIds === null) return;
        if (interest.vmIds.length === 0) this.remoteInterest.delete(interest.replica);
        else this.remoteInterest.set(interest.replica, { vmIds: new Set(interest.vmIds), until: Date.now() + SAMPLE_INTEREST_TTL_MS });
      }),
    ];
    this.say({ replica: this.replica, ask: true });
    this.heartbeat = setInterval(() => {
      if (this.byVm.size > 0) this.announce();
    }, SAMPLE_INTEREST_TTL_MS / 3);
    this.heartbeat.unref();
  }

  private say(message: Record<string, unknown>): void {
    this.live.publish(SAMPLE_INTEREST_CHANNEL, message).catch((error: unknown) => this.logger.warn('live sample interest not published', { error }));
  }

  /** Tells the other replicas this one's VMs with sample subscribers, once for all changes of this tick. */
  private announce(): void {
    if (this.announcing) return;
    this.announcing = true;
    queueMicrotask(() => {
      this.announcing = false;
      this.say({ replica: this.replica, vmIds: [...this.byVm.keys()] });
    });
  }

  /** Whether some replica (this one included) has a subscriber for each VM's samples. */
  private watched(): (vmId: string) => boolean {
    const now = Date.now();
    const remote: ReadonlySet<string>[] = [];
    for (const [replica, interest] of this.remoteInterest) {
      if (interest.until <= now) this.remoteInterest.delete(replica);
      else remote.push(interest.vmIds);
    }
    return (vmId) => this.byVm.has(vmId) || remote.some((set) => set.has(vmId));
  }

  publishStatus(change: VmStatusChange): Promise<void> {
    return this.live.publish(STATUS_CHANNEL, change);
  }

  /**
   * Publishes the samples of VMs some replica watches, SAMPLES_PER_MESSAGE to a message (one message per
   * sample cost an ingest more than its SQL); nothing when no one watches any.
   */
  async publishSamples(samples: readonly VmMetricsSample[]): Promise<void> {
    if (this.byVm.size === 0 && this.remoteInterest.size === 0) return;
    const isWatched = this.watched();
    const wanted = samples.filter((s) => isWatched(s.vmId));
    const messages: Promise<void>[] = [];
    for (let i = 0; i < wanted.length; i += SAMPLES_PER_MESSAGE)
      messages.push(this.live.publish(SAMPLE_BATCHES_CHANNEL, { samples: wanted.slice(i, i + SAMPLES_PER_MESSAGE) }));
    await Promise.all(messages);
  }

  private deliverSample(sample: VmMetricsSample): void {
    for (const queue of this.byVm.get(sample.vmId) ?? []) queue.push(sample);
  }

  publishAlertTransition(transition: LiveAlertTransition): Promise<void> {
    return this.live.publish(ALERTS_CHANNEL, alertWireMessage(transition));
  }

  /** Hears every alert transition published on any replica (alertEvents filters and orders them); returns the unsubscribe. */
  alertTransitions(listener: (transition: LiveAlertTransition) => void): () => void {
    this.alertListeners.add(listener);
    return () => void this.alertListeners.delete(listener);
  }

  /** Status changes of one organisation, or (orgId null) of every organisation (a SUBTREE subscription filters them). */
  statusChanges(orgId: string | null): BoundedQueue<VmStatusChange> {
    const queue: BoundedQueue<VmStatusChange> = new BoundedQueue(SUBSCRIPTION_BUFFER, () => remove());
    const set = orgId === null ? this.allStatus : setIn(this.byOrg, orgId);
    set.add(queue);
    const remove = () => {
      set.delete(queue);
      if (orgId !== null && set.size === 0 && this.byOrg.get(orgId) === set) this.byOrg.delete(orgId);
    };
    return queue;
  }

  samples(vmId: string): BoundedQueue<VmMetricsSample> {
    const queue: BoundedQueue<VmMetricsSample> = new BoundedQueue(SUBSCRIPTION_BUFFER, () => remove());
    if (!this.byVm.has(vmId)) this.announce();
    const set = setIn(this.byVm, vmId);
    set.add(queue);
    const remove = () => {
      set.delete(queue);
      if (set.size === 0 && this.byVm.get(vmId) === set) {
        this.byVm.delete(vmId);
        this.announce();
      }
    };
    return queue;
  }

  /** Subscriptions to one VM's samples (tests). */
  sampleSubscribers(vmId: string): number {
    return this.byVm.get(vmId)?.size ?? 0;
  }

  /** Subscriptions held (tests and benchmarks). */
  get subscriptions(): number {
    let n = this.allStatus.size + this.alertListeners.size;
    for (const set of this.byOrg.values()) n += set.size;
    for (const set of this.byVm.values()) n += set.size;
    return n;
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (this.byVm.size > 0) this.say({ replica: this.replica, vmIds: [] });
    for (const stop of this.unsubscribe) stop();
    this.alertListeners.clear();
    for (const queue of [...this.allStatus, ...[...this.byOrg.values()].flatMap((s) => [...s]), ...[...this.byVm.values()].flatMap((s) => [...s])]) queue.end();
    this.logger.debug('live hub closed');
  }
}

function setIn<T>(map: Map<string, Set<T>>, key: string): Set<T> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

/**
 * An async iterator over `source` keeping the items `keep` accepts; return() ends the source at once.
 * A `keep` that fails (the org directory unreachable) withholds that item (fail closed) and is
 * logged; the subscription goes on.
 */
export function filtered<T>(source: BoundedQueue<T>, keep: (item: T) => Promise<boolean>, logger?: Logger): AsyncIterableIterator<T> {
  return deriveAsyncIterator(source, async (iterator) => {
    for (;;) {
      const step = await iterator.next();
      if (step.done) return { done: true, value: undefined };
      const kept = await keep(step.value).catch((error: unknown) => {
        logger?.error('live event withheld: its visibility could not be checked', { error });
        return false;
      });
      if (kept) return step;
    }
  });
}
