/**
 * Bounded concurrency for costly work: at most `concurrency` run at once and at most `queue` wait,
 * each for at most `maxWaitMs`; anything beyond is refused (`null`, nothing ran), so a burst is
 * answered quickly (RATE_LIMITED, 503) instead of piling up until the caller times out. The wait
 * bound matters as much as the queue length. Used for password hashing (libuv's thread pool; one
 * scrypt can take a second on a busy machine) and telemetry ingest (batches must leave database
 * connections for the dashboards' reads).
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: { start: () => void }[] = [];
  /** Work started since boot (tests and benchmarks read it). */
  started = 0;

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Runs `work` when a slot frees up; `null` when the queue is full or the wait ran out (nothing ran). */
  async run<T>(work: () => Promise<T>): Promise<{ value: T } | null> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) return null;
      const admitted = await new Promise<boolean>((resolve) => {
        const entry = {
          start: () => {
            clearTimeout(timer);
            resolve(true);
          },
        };
        const timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          resolve(false);
        }, this.maxWaitMs);
        this.waiting.push(entry);
      });
      if (!admitted) return null;
    } else {
      this.running += 1;
    }
    this.started += 1;
    try {
      return { value: await work() };
    } finally {
      const next = this.waiting.shift();
      if (next)
        next.start(); // the slot passes straight on: `running` stays the same
      else this.running -= 1;
    }
  }
}
