import type { Logger } from '../logger.ts';
import { attemptDelivery, countParked, type EventConsumer } from './consumer.ts';
import type { DeliveryPolicy } from './delivery-policy.ts';
import type { ConsumerState, LogEntry, Retry, TopicLog } from './in-memory-log.ts';
import type { PlatformEvent } from './platform-event.ts';
import { WakeSignal } from './wake-signal.ts';

const IDLE_WAIT_MS = 60_000;
/** Deliveries between yields to the event loop, so a long backlog does not starve I/O. */
const YIELD_EVERY = 100;

/** One registered consumer's delivery loop over the in-memory logs: one handler at a time. */
export class InMemoryConsumerLoop {
  readonly signal = new WakeSignal();
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly consumer: EventConsumer,
    private readonly state: ConsumerState,
    private readonly log: (topic: string) => TopicLog,
    private readonly policy: DeliveryPolicy,
    private readonly logger: Logger,
  ) {
    this.done = this.run().catch((error: unknown) => logger.error('event consumer loop crashed', { consumer: consumer.name, error }));
  }

  /** Waits for the handler in flight; the position stays with the consumer's name. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.notify();
    await this.done;
  }

  private async run(): Promise<void> {
    for (let delivered = 1; !this.stopped; delivered += 1) {
      const retry = this.dueRetry();
      const next = retry ? undefined : this.takeNext();
      if (retry) await this.deliver(retry.event, retry.attempts + 1);
      else if (next) await this.deliver(next.event, 1);
      else await this.signal.wait(this.untilNextRetry());
      if (delivered % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private dueRetry(): Retry | undefined {
    const now = Date.now();
    for (const retry of this.state.retries.values()) if (retry.dueAt <= now) return retry;
    return undefined;
  }

  private untilNextRetry(): number {
    let wait = IDLE_WAIT_MS;
    for (const retry of this.state.retries.values()) wait = Math.min(wait, Math.max(retry.dueAt - Date.now(), 1));
    return wait;
  }

  /** The oldest event (publish order) past the consumer's position in any of its topics; advances past it. */
  private takeNext(): LogEntry | undefined {
    let best: { topic: string; entry: LogEntry; offset: number } | undefined;
    for (const topic of this.consumer.topics) {
      const offset = this.state.positions.get(topic) ?? this.log(topic).start;
      const entry = this.log(topic).at(offset);
      if (entry && (!best || entry.seq < best.entry.seq)) best = { topic, entry, offset };
    }
    if (best) this.state.positions.set(best.topic, best.offset + 1);
    return best?.entry;
  }

  private async deliver(event: PlatformEvent, attempt: number): Promise<void> {
    const error = await attemptDelivery(this.consumer, event);
    this.state.retries.delete(event.id);
    if (error === null) return;
    if (attempt < this.policy.maxAttempts) {
      this.state.retries.set(event.id, { event, attempts: attempt, dueAt: Date.now() + this.policy.retryDelayMs });
      return;
    }
    this.state.parked.push({ event, attempts: attempt, error, parkedAt: new Date().toISOString() });
    countParked(this.consumer.name);
    this.logger.warn('event parked', { consumer: this.consumer.name, eventId: event.id, topic: event.topic, attempts: attempt, error });
  }
}
