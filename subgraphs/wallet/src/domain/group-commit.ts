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
 * Group commit, per key: the first item for an idle key starts a batch at once (after the current
 * tick, so a burst that arrives together goes together); items arriving while that batch is in
 * flight queue up and become the next batch. No timer: the batch size follows the load, one item
 * when quiet, hundreds when hot. `apply` runs one batch (one transaction) and returns an outcome
 * per item in order; if it throws, every item of that batch gets the error.
 */
export class GroupCommit<T, R> {
  private readonly queues = new Map<string, Waiting<T, R>[]>();
  private counts = { batches: 0, items: 0, largestBatch: 0 };

  constructor(
    private readonly apply: (batch: readonly T[]) => Promise<readonly Outcome<R>[]>,
    private readonly maxBatch: number,
  ) {
    if (maxBatch < 1) throw new Error('maxBatch must be at least 1');
  }

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      this.queues.set(key, [{ item, resolve, reject }]);
      queueMicrotask(() => void this.drain(key));
    });
  }

  /** Items waiting for a batch (not those in one): tests use it to know a burst has queued. */
  waiting(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  stats(): GroupCommitStats {
    return { ...this.counts };
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key);
    if (!queue) return;
    while (queue.length > 0) await this.run(queue.splice(0, this.maxBatch));
    this.queues.delete(key);
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
