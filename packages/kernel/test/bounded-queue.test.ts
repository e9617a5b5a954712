import { describe, expect, test } from 'vitest';
import { BoundedQueue, mapAsyncIterable } from '../src/live/async-iterables.ts';

describe('BoundedQueue (a live subscription buffer)', () => {
  test('a reader that falls behind loses the oldest items, and the count says how many', async () => {
    const queue = new BoundedQueue<number>(3);
    for (const n of [1, 2, 3, 4, 5]) queue.push(n);
    const it = queue[Symbol.asyncIterator]();
    expect(queue.takeDropped()).toBe(2);
    expect(queue.takeDropped()).toBe(0); // read and reset
    expect([(await it.next()).value, (await it.next()).value, (await it.next()).value]).toEqual([3, 4, 5]);
    expect(queue.totalDropped).toBe(2);
  });

  test('a waiting reader gets the next push at once; end() finishes after what is queued', async () => {
    const queue = new BoundedQueue<string>(10);
    const it = queue[Symbol.asyncIterator]();
    const pending = it.next();
    queue.push('a');
    expect(await pending).toEqual({ done: false, value: 'a' });
    queue.push('b');
    queue.end();
    queue.push('ignored');
    expect(await it.next()).toEqual({ done: false, value: 'b' });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  test('return() (the client completed) ends a pending read and calls the unsubscribe hook once', async () => {
    let unsubscribed = 0;
    const queue = new BoundedQueue<number>(10, () => unsubscribed++);
    const mapped = mapAsyncIterable(queue, (n) => n * 2);
    const pending = mapped.next();
    await mapped.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(unsubscribed).toBe(1);
  });
});
