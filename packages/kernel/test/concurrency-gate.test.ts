import { describe, expect, test } from 'vitest';
import { ConcurrencyGate } from '../src/index.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('ConcurrencyGate', () => {
  test('runs at most `concurrency` at once, queues up to `queue`, refuses the rest without running them', async () => {
    const gate = new ConcurrencyGate(2, 1, 60_000);
    const release = deferred();
    let running = 0;
    let most = 0;
    const work = async () => {
      running += 1;
      most = Math.max(most, running);
      await release.promise;
      running -= 1;
      return 'done';
    };
    const first = gate.run(work);
    const second = gate.run(work);
    const queued = gate.run(work);
    let ranRefused = false;
    const refused = await gate.run(async () => {
      ranRefused = true;
      return 'never';
    });
    expect(refused).toBeNull();
    expect(ranRefused).toBe(false);
    expect(running).toBe(2);
    release.resolve();
    expect(await Promise.all([first, second, queued])).toEqual([{ value: 'done' }, { value: 'done' }, { value: 'done' }]);
    expect(most).toBe(2);
    expect(gate.started).toBe(3);
  });

  test('a queued call that waits longer than maxWaitMs is refused and never runs; the slot is freed by failures too', async () => {
    const gate = new ConcurrencyGate(1, 5, 50);
    const release = deferred();
    const holding = gate.run(() => release.promise);
    let ranLate = false;
    const late = await gate.run(async () => {
      ranLate = true;
    });
    expect(late).toBeNull();
    expect(ranLate).toBe(false);
    release.resolve();
    await holding;
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 7)).toEqual({ value: 7 });
  });
});
