/**
 * An async iterator over `source` whose next() is `next(iterator)` (map, filter, annotate…); return()
 * and throw() end the source at once, so a client's complete ends the upstream. The one way live
 * streams are wrapped.
 */
export function deriveAsyncIterator<T, U>(
  source: AsyncIterable<T>,
  next: (iterator: AsyncIterator<T>) => Promise<IteratorResult<U, undefined>>,
): AsyncIterableIterator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const derived: AsyncIterableIterator<U> = {
    next: () => next(iterator),
    async return() {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return derived;
    },
  };
  return derived;
}

/** Maps each item of an async iterable; return() reaches the source (a client's complete ends the upstream). */
export function mapAsyncIterable<T, U>(source: AsyncIterable<T>, map: (item: T) => Promise<U> | U): AsyncIterableIterator<U> {
  return deriveAsyncIterator(source, async (iterator) => {
    const step = await iterator.next();
    if (step.done) return { done: true, value: undefined };
    return { done: false, value: await map(step.value) };
  });
}

/**
 * A push queue read as an async iterable: `push` never blocks; at `capacity` the oldest item is
 * dropped and counted (`takeDropped` reads and resets the count). `end()` finishes after what is queued.
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((step: IteratorResult<T, undefined>) => void) | undefined;
  private ended = false;
  private dropped = 0;
  totalDropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly onReturn: () => void = () => undefined,
    /** Told of each drop as it happens (metrics), not only when the consumer next reads. */
    private readonly onDrop: () => void = () => undefined,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ done: false, value: item });
      return;
    }
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
      this.totalDropped++;
      this.onDrop();
    }
    this.items.push(item);
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  end(): void {
    this.ended = true;
    if (this.waiting && this.items.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ done: true, value: undefined });
    }
  }

  get size(): number {
    return this.items.length;
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ done: false, value: item });
        if (this.ended) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.items.length = 0;
        this.end();
        this.onReturn();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}
