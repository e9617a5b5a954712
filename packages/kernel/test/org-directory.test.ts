import { expect, test } from 'vitest';
import { cachedOrgDirectory, type OrgDirectory, type OrgNode } from '../src/index.ts';

const ID = '01900000-0000-7000-8000-000000000001';
const node = (status: OrgNode['status']): OrgNode => ({ id: ID, kind: 'CUSTOMER', ancestors: [], status, suspendedBy: status === 'SUSPENDED' ? ID : null });

/** A directory whose answer the test changes, counting lookups; `gate` holds a lookup open. */
function source() {
  const state = { status: 'ACTIVE' as OrgNode['status'], lookups: 0, gate: null as Promise<void> | null };
  const inner: OrgDirectory = {
    async lookup(ids) {
      state.lookups += 1;
      const answer = node(state.status);
      if (state.gate) await state.gate;
      return new Map(ids.filter((id) => id === ID).map((id) => [id, answer]));
    },
  };
  return { state, inner };
}

test('cached nodes expire after the TTL, so a status change reaches a remote subgraph within it', async () => {
  let now = 1_000;
  const { state, inner } = source();
  const directory = cachedOrgDirectory(inner, { ttlMs: 5_000, now: () => now });
  expect((await directory.lookup([ID])).get(ID)?.status).toBe('ACTIVE');
  state.status = 'SUSPENDED';
  now += 4_999;
  expect((await directory.lookup([ID])).get(ID)?.status).toBe('ACTIVE');
  expect(state.lookups).toBe(1);
  now += 1;
  expect((await directory.lookup([ID])).get(ID)).toEqual(node('SUSPENDED'));
  expect(state.lookups).toBe(2);
});

test('invalidate() drops every node at once, and a lookup begun before it does not store its stale answer', async () => {
  const { state, inner } = source();
  const directory = cachedOrgDirectory(inner, { ttlMs: 60_000 });
  await directory.lookup([ID]);
  let open!: () => void;
  state.gate = new Promise<void>((resolve) => (open = resolve));
  directory.invalidate();
  const inFlight = directory.lookup([ID]); // reads ACTIVE, then the status changes and the cache is invalidated
  state.status = 'SUSPENDED';
  directory.invalidate();
  open();
  state.gate = null;
  expect((await inFlight).get(ID)?.status).toBe('ACTIVE'); // answered as read…
  expect((await directory.lookup([ID])).get(ID)?.status).toBe('SUSPENDED'); // …but not kept
  expect(state.lookups).toBe(3);
});

test('misses are not cached', async () => {
  const { state, inner } = source();
  const directory = cachedOrgDirectory(inner);
  const other = '01900000-0000-7000-8000-000000000002';
  expect((await directory.lookup([other])).size).toBe(0);
  expect((await directory.lookup([other])).size).toBe(0);
  expect(state.lookups).toBe(2);
});

test('concurrent misses for one organisation share one lookup (a burst of subscriptions asks once)', async () => {
  const { state, inner } = source();
  const directory = cachedOrgDirectory(inner, { ttlMs: 5_000 });
  const answers = await Promise.all(Array.from({ length: 50 }, () => directory.lookup([ID])));
  expect(state.lookups).toBe(1);
  expect(answers.every((a) => a.get(ID)?.status === 'ACTIVE')).toBe(true);
});
