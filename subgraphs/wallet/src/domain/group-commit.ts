/** What one item of a batch came to: its own result or its own error, independent of the others. */
export type Outcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  readonly batches: number;
  readonly items: number;
  readonly largestBatch: number;
}

/**
 * Group commit: when idle, the first item starts a batch at once (after the current tick, so a
 * burst that arrives together goes together); items arriving while a batch is in flight queue up
 * and become the next batch. No timer: the batch size follows the load, one item when quiet,
 * hundreds when hot. `apply` runs one batch (one transaction) and returns an outcome per item in
 * order; if it throws, every item of that batch gets the error.
 */
export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private draining = false;
  private counts = { batches: 0, items: 0, largestBatch: 0 };

  constructor(
    private readonly apply: (batch: readonly T[]) => Promise<readonly Outcome<R>[]>,
    private readonly maxBatch: number,
  ) {
    if (maxBatch < 1) throw new Error('maxBatch must be at least 1');
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      queueMicrotask(() => void this.drain());
    });
  }

  /** Items waiting for a batch (not those in one): tests use it to know a burst has queued. */
  waiting(): number {
    return this.queue.length;
  }

  stats(): GroupCommitStats {
    return { ...this.counts };
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) await this.run(this.queue.splice(0, this.maxBatch));
    this.draining = false;
  }

  /** Never throws: a batch's failure is delivered to its callers, and the queue moves on. */
  private async run(batch: readonly Waiting<T, R>[]): Promise<void> {
    this.counts.batches += 1;
    this.counts.items += batch.length;
    this.counts.largestBatch = Math.max(this.counts.largestBatch, batch.length);
    try {
      const outcomes = await this.apply(batch.map((w) => w.item));
      if (outcomes.length !== batch.length) throw new Error(`a batch of ${batch.length} came back with ${outcomes.length} outcomes`);
      batch.forEach((w, i) => {
        const outcome = outcomes[i] as Outcome<R>;
        if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.error);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
