import { describe, expect, test } from 'vitest';
import { parseAlertCursor, replayThenLive, type AlertEventSource, type AlertTransition } from '../src/live/alert-replay.ts';

const ORG = '00000000-0000-7000-8000-00000000000a';
const OTHER = '00000000-0000-7000-8000-00000000000b';

/** The alerts module as the port sees it: a table with seq, listeners told after "commit". */
class FakeAlertSource implements AlertEventSource {
  readonly rows: AlertTransition[] = [];
  private readonly listeners = new Set<(t: AlertTransition) => void>();
  /** Runs inside listAfter once (to commit a transition in the middle of a replay). */
  duringList: (() => void) | undefined;
  listCalls = 0;

  commit(seq: number, organizationId = ORG, notify = true): AlertTransition {
    const t: AlertTransition = {
      seq: BigInt(seq),
      alertId: `a${seq}`,
      vmId: 'vm',
      organizationId,
      fromStatus: 'PENDING',
      toStatus: 'FIRING',
      at: new Date(seq * 1000),
    };
    this.rows.push(t);
    this.rows.sort((a, b) => Number(a.seq - b.seq));
    if (notify) this.notify(t);
    return t;
  }
  notify(t: AlertTransition) {
    for (const l of this.listeners) l(t);
  }
  async listAfter(afterSeq: bigint, limit: number) {
    this.listCalls++;
    const page = this.rows.filter((r) => r.seq > afterSeq).slice(0, limit);
    const hook = this.duringList;
    this.duringList = undefined;
    hook?.();
    return page;
  }
  async latestSeq() {
    return this.rows.at(-1)?.seq ?? 0n;
  }
  subscribe(listener: (t: AlertTransition) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get listening() {
    return this.listeners.size;
  }
}

const seqs = async (it: AsyncIterableIterator<AlertTransition>, n: number) => {
  const out: number[] = [];
  while (out.length < n) {
    const step = await it.next();
    if (step.done) break;
    out.push(Number(step.value.seq));
  }
  return out;
};
const all = async () => true;

describe('alertEvents: replay after the cursor, then live', () => {
  test('replays what came after the cursor, then delivers live ones, in seq order', async () => {
    const source = new FakeAlertSource();
    for (const seq of [1, 2, 3, 4]) source.commit(seq);
    const it = replayThenLive(source, 2n, all);
    expect(await seqs(it, 2)).toEqual([3, 4]);
    source.commit(5);
    source.commit(6);
    expect(await seqs(it, 2)).toEqual([5, 6]);
    await it.return!();
    expect(source.listening).toBe(0);
  });

  test('a transition committed during the replay is delivered once: no gap, no duplicate', async () => {
    const source = new FakeAlertSource();
    for (const seq of [1, 2, 3]) source.commit(seq);
    source.duringList = () => source.commit(4); // committed after the page was read, heard live while replaying
    const it = replayThenLive(source, 0n, all);
    expect(await seqs(it, 4)).toEqual([1, 2, 3, 4]);
    source.commit(5);
    expect(await seqs(it, 1)).toEqual([5]);
    source.notify(source.rows[4]!); // a redelivered live event
    source.commit(6);
    expect(await seqs(it, 1)).toEqual([6]);
    await it.return!();
  });

  test('a live transition that skips ahead makes it read the gap from the table (out-of-order commits)', async () => {
    const source = new FakeAlertSource();
    const it = replayThenLive(source, 0n, all);
    await new Promise((r) => setTimeout(r, 10));
    source.commit(1);
    expect(await seqs(it, 1)).toEqual([1]);
    source.commit(2, ORG, false); // committed, but its live notice was lost
    source.commit(3);
    expect(await seqs(it, 2)).toEqual([2, 3]);
    await it.return!();
  });

  test('without a cursor it replays nothing and starts live from the latest seq', async () => {
    const source = new FakeAlertSource();
    for (const seq of [1, 2, 3]) source.commit(seq);
    const it = replayThenLive(source, null, all);
    await new Promise((r) => setTimeout(r, 10));
    source.commit(4);
    expect(await seqs(it, 1)).toEqual([4]);
    await it.return!();
  });

  test('transitions the caller may not see are skipped but still advance the cursor', async () => {
    const source = new FakeAlertSource();
    source.commit(1, ORG);
    source.commit(2, OTHER);
    source.commit(3, ORG);
    const it = replayThenLive(source, 0n, async (t) => t.organizationId === ORG);
    expect(await seqs(it, 2)).toEqual([1, 3]);
    source.commit(4, OTHER);
    source.commit(5, ORG);
    expect(await seqs(it, 1)).toEqual([5]);
    await it.return!();
  });

  test('cursors: decimal seqs only', () => {
    expect(parseAlertCursor('42')).toBe(42n);
    expect(parseAlertCursor(null)).toBeNull();
    expect(parseAlertCursor('abc')).toBeUndefined();
    expect(parseAlertCursor('-1')).toBeUndefined();
  });
});
