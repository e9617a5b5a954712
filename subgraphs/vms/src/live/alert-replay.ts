import { BoundedQueue, deriveAsyncIterator } from '@platform/kernel';

/**
 * One alert transition as the alerts module records it: an append-only `alert_events` row with a
 * bigserial `seq` (the cursor), also offered live to in-process listeners after commit.
 */
export interface AlertTransition {
  readonly seq: bigint;
  readonly alertId: string;
  readonly vmId: string;
  readonly organizationId: string;
  readonly fromStatus: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED' | null;
  readonly toStatus: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';
  readonly at: Date;
}

/**
 * The port `alertEvents(organizationId, scope, after)` needs from the alerts module (wired at merge):
 * `listAfter` pages the table by seq (ascending, seq > afterSeq); `subscribe` hears each transition
 * after its transaction commits (on every replica: the alerts module publishes them on the live
 * channel, as status changes are). Nothing else is assumed: not even that live transitions arrive
 * in seq order.
 */
export interface AlertEventSource {
  listAfter(afterSeq: bigint, limit: number): Promise<readonly AlertTransition[]>;
  /** The highest seq committed (0 when none): where a subscription without a cursor starts. */
  latestSeq(): Promise<bigint>;
  subscribe(listener: (transition: AlertTransition) => void): () => void;
}

const PAGE = 500;

/**
 * Replays what a client missed after its cursor, then goes live, with no gap and no duplicate:
 * listening starts BEFORE the replay (so nothing committed during it is missed), every transition is
 * emitted in seq order exactly once (seq ≤ last emitted is dropped), and a live transition that
 * skips ahead (seq > last + 1: an earlier one committed later, or was missed) is preceded by a
 * re-read from the table, which fills the gap from the source of truth.
 * `keep` decides visibility per transition (tenancy re-checked per event).
 */
export function replayThenLive(
  source: AlertEventSource,
  /** The client's cursor; null = no replay, live from now. */
  afterSeq: bigint | null,
  keep: (transition: AlertTransition) => Promise<boolean>,
  bufferSize = 1_000,
): AsyncIterableIterator<AlertTransition> {
  let last = afterSeq ?? 0n;
  const out = new BoundedQueue<AlertTransition>(bufferSize, () => stop());
  const live: AlertTransition[] = [];
  let replaying = true;
  let work = Promise.resolve();
  const stop = source.subscribe((transition) => {
    if (replaying) live.push(transition);
    else work = work.then(() => onLive(transition)).catch((error: unknown) => fail(error));
  });

  const emit = async (transition: AlertTransition) => {
    if (transition.seq <= last) return;
    last = transition.seq;
    if (await keep(transition)) out.push(transition);
  };
  const readFromTable = async () => {
    for (;;) {
      const page = await source.listAfter(last, PAGE);
      for (const transition of page) await emit(transition);
      if (page.length < PAGE) return;
    }
  };
  const onLive = async (transition: AlertTransition) => {
    if (transition.seq <= last) return;
    if (transition.seq === last + 1n) await emit(transition);
    else await readFromTable(); // a gap: the table has everything committed, in order
  };
  let failure: unknown;
  const fail = (error: unknown) => {
    failure = error;
    stop();
    out.end();
  };

  work = (async () => {
    if (afterSeq === null) last = await source.latestSeq();
    else await readFromTable();
    replaying = false;
    const early = live.splice(0).sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    for (const transition of early) await onLive(transition);
  })().catch(fail);

  return deriveAsyncIterator(out, async (iterator) => {
    const step = await iterator.next();
    if (step.done && failure) throw failure;
    return step.done ? { done: true, value: undefined } : step;
  });
}

/** The cursor clients pass back as `after`: the seq in decimal. */
export function alertCursor(transition: AlertTransition): string {
  return transition.seq.toString();
}

/** `after` → seq (undefined: not a cursor this API issued, BAD_USER_INPUT naming `after`); null when absent (live only). */
export function parseAlertCursor(after: string | null | undefined): bigint | null | undefined {
  if (after === null || after === undefined) return null;
  if (!/^\d{1,19}$/.test(after)) return undefined;
  return BigInt(after);
}
