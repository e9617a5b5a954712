/**
 * Bounded concurrency for password hashing: at most `concurrency` checks run at once and at most
 * `queue` wait, each for at most `maxWaitMs`; anything beyond is refused (`null`, nothing ran), so
 * a burst of sign-ins is answered RATE_LIMITED quickly instead of piling up in libuv's thread pool
 * until the gateway times out. The wait bound matters as much as the queue length: on a busy
 * machine one scrypt at OWASP's cost can take a second.
 */
export class HashingGate {
  private running = 0;
  private readonly waiting: { start: () => void }[] = [];
  /** Password checks started since boot (tests and the benchmark read it). */
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
