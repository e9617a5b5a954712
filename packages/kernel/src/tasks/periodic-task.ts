import type { Logger } from '../logger.ts';
import type { AdvisoryLocks } from './advisory-locks.ts';

export interface PeriodicTaskOptions {
  /** Named in logs ("outbox relay", "hold sweep"). */
  readonly name: string;
  readonly intervalMs: number;
  /** One pass. May return a count; a positive count is logged at debug level. */
  readonly run: () => Promise<unknown>;
  readonly logger: Logger;
  /** Delay before the first pass; default `intervalMs`. Use 0 for "now, then every interval". */
  readonly firstDelayMs?: number;
  /**
   * Singleton work: every replica keeps the timer, but a pass runs only on the replica holding the
   * advisory lock named after the task (`advisoryLocks(database.background)`); the others skip it.
   */
  readonly singleton?: AdvisoryLocks;
}

/**
 * Background work on a timer: one pass at a time (the next is scheduled only after the previous
 * settles, so a slow pass never overlaps itself), failures logged and retried on the next tick,
 * and `stop()` that waits for the pass in flight, so nothing touches a pool that is about to close.
 * The timer is unref'd: background work alone never keeps a process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: PeriodicTaskOptions) {}

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.firstDelayMs ?? this.options.intervalMs);
  }

  /** Runs one pass now (after the one in flight, if any); the schedule is unchanged. */
  runNow(): Promise<void> {
    return this.nextPass(() => true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A runNow() pass may be in flight: wait for it rather than overlap it.
      void this.nextPass(() => !this.stopped).finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  /** Waits until no pass is in flight, then starts one in the same turn, so two waiters never both start. */
  private async nextPass(proceed: () => boolean): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (proceed()) await this.pass();
  }

  private pass(): Promise<void> {
    const { name, logger, singleton } = this.options;
    const run = singleton ? () => singleton.run(name, this.options.run).then((outcome) => (outcome.ran ? outcome.value : undefined)) : this.options.run;
    const pass = run()
      .then((result) => {
        if (typeof result === 'number' && result > 0) logger.debug(`${name}: pass done`, { count: result });
      })
      .catch((error: unknown) => {
        if (!this.stopped) logger.warn(`${name} failed; will retry`, { error });
      })
      .finally(() => {
        if (this.inFlight === pass) this.inFlight = undefined;
      });
    this.inFlight = pass;
    return pass;
  }
}
