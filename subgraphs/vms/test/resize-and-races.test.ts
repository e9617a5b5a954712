import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { countRows, vmsTest as test, type RunningVms } from './support/fixtures.ts';

const RESIZE =
  'mutation($id: ID!, $spec: VirtualMachineSpecInput!, $key: String) { resizeVirtualMachine(id: $id, spec: $spec, idempotencyKey: $key) { id status spec { vcpu memoryMib diskGib } } }';
const op = (field: string) => `mutation($id: ID!, $key: String) { ${field}(id: $id, idempotencyKey: $key) { id status powerState updatedAt } }`;

const diskOf = async (h: RunningVms, id: string) =>
  (await sql<{ disk_gib: number }>`select disk_gib from virtual_machines where id = ${id}`.execute(h.db)).rows[0]!.disk_gib;
const eventsOf = async (h: RunningVms, id: string) =>
  (await sql<{ kind: string; detail: string | null }>`select kind, detail from vm_events where vm_id = ${id} order by id`.execute(h.db)).rows;
const holdsOf = (h: RunningVms, org: string) => [...h.wallet.holds.values()].filter((x) => x.organizationId === org);
const stopped = { status: 'STOPPED', powerState: 'POWERED_OFF' } as const;

// The stand-in catalog prices 2 vCPU / 4 GiB / 100 GiB at R642 a month (310 + 152 + 180) and 4 / 8 / 200 at R1,284.
test('a resize that costs more holds the monthly difference (R642.00) as a funds check, released once applied (the bill charges usage); a cheaper one holds nothing', async ({
  vms: h,
}) => {
  const token = await h.user(h.orgs.customerA, 'MEMBER');
  const [vm] = await h.addVms(h.orgs.customerA, 1, stopped);
  const r = await h.call(RESIZE, { id: vm!.id, spec: { vcpu: 4, memoryGib: 8, diskGib: 200 } }, token);
  expect(r.errors).toBeUndefined();
  expect(r.data.resizeVirtualMachine).toEqual({ id: vm!.id, status: 'STOPPED', spec: { vcpu: 4, memoryMib: 8192, diskGib: 200 } });
  const [hold] = holdsOf(h, h.orgs.customerA);
  expect(hold).toMatchObject({ amountMinor: 64_200n, status: 'RELEASED' });
  expect((await eventsOf(h, vm!.id)).at(-1)).toEqual({
    kind: 'RESIZED',
    detail: `2 vCPU, 4 GiB, 100 GiB standard → 4 vCPU, 8 GiB, 200 GiB standard; hold ${hold!.id} for 64200 minor units a month more`,
  });

  const cheaper = await h.call(RESIZE, { id: vm!.id, spec: { vcpu: 1, memoryGib: 1, diskGib: 200 } }, token);
  expect(cheaper.errors).toBeUndefined();
  expect(holdsOf(h, h.orgs.customerA)).toHaveLength(1);
});

test('1 vCPU / 1 GiB to 64 vCPU / 512 GiB / 10,000 GiB with R 10,000 available: INSUFFICIENT_FUNDS, nothing changed or held', async ({ vms: h }) => {
  const token = await h.user(h.orgs.customerB, 'MEMBER');
  const [vm] = await h.addVms(h.orgs.customerB, 1, {
    ...stopped,
    spec: { vcpu: 1, cpuSpeed: 'STANDARD', memoryMib: 1024, diskGib: 20, storageTier: 'STANDARD' },
  });
  const events = await countRows(h.db, 'vm_events');
  const outbox = await countRows(h.db, 'outbox');
  const r = await h.call(RESIZE, { id: vm!.id, spec: { vcpu: 64, memoryGib: 512, diskGib: 10_000 } }, token);
  expect(codesOf(r)).toEqual(['INSUFFICIENT_FUNDS']);
  expect(await diskOf(h, vm!.id)).toBe(20);
  expect(holdsOf(h, h.orgs.customerB)).toEqual([]);
  expect([await countRows(h.db, 'vm_events'), await countRows(h.db, 'outbox')]).toEqual([events, outbox]);
  expect(h.compute.applied.filter((a) => a.vmId === vm!.id)).toEqual([]);
});

test('two concurrent resizes of a 100 GiB disk to 500 and 300: one wins, the other CONFLICT; the disk never shrinks (10 rounds)', async ({ vms: h }) => {
  const token = await h.user(h.orgs.directCustomer, 'MEMBER');
  const vms = await h.addVms(h.orgs.directCustomer, 10, stopped);
  const rounds: string[] = [];
  for (const vm of vms) {
    const [big, small] = await Promise.all([500, 300].map((diskGib) => h.call(RESIZE, { id: vm.id, spec: { vcpu: 2, memoryGib: 4, diskGib } }, token)));
    const outcomes = [codesOf(big!), codesOf(small!)];
    const committed = [500, 300].filter((_, i) => outcomes[i]!.length === 0);
    // Overlapping, one wins and the other is CONFLICT. Under load one may finish before the other starts:
    // 300 after 500 is then BAD_USER_INPUT (disks only grow), 500 after 300 simply grows it again.
    expect(committed.length, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(1);
    if (committed.length === 2) expect(committed).toEqual([500, 300]);
    for (const codes of outcomes) expect(['', 'CONFLICT', 'BAD_USER_INPUT']).toContain(codes.join());
    const winner = Math.max(...committed);
    expect(await diskOf(h, vm.id)).toBe(winner);
    expect((await eventsOf(h, vm.id)).filter((e) => e.kind === 'RESIZED')).toHaveLength(committed.length);
    rounds.push(outcomes.flat().join() || 'both');
    // Afterwards, 300 after 500 is refused outright: disks only grow.
    if (winner === 500) {
      const later = await h.call(RESIZE, { id: vm.id, spec: { vcpu: 2, memoryGib: 4, diskGib: 300 } }, token);
      expect(codesOf(later)).toEqual(['BAD_USER_INPUT']);
      expect(await diskOf(h, vm.id)).toBe(500);
    }
  }
  // Most rounds overlap (the pricing call alone keeps both in flight): the CONFLICT path is taken.
  expect(rounds.filter((r) => r === 'CONFLICT').length, rounds.join(' ')).toBeGreaterThan(0);
  // Every hold went back, the winners' and the losers': each was a funds check, none left pending.
  const holds = holdsOf(h, h.orgs.directCustomer);
  expect(holds.length).toBeGreaterThanOrEqual(rounds.map((r) => (r === 'both' ? 2 : 1)).reduce((a, b) => a + b, 0));
  expect(holds.filter((x) => x.status !== 'RELEASED')).toEqual([]);
});

test('a concurrent delete and power-on of a STOPPED VM: only one is recorded and only that one reaches the provider (10 rounds)', async ({ vms: h }) => {
  const token = await h.user(h.orgs.customerA2, 'MEMBER');
  const vms = await h.addVms(h.orgs.customerA2, 10, stopped);
  for (const vm of vms) {
    const [del, on] = await Promise.all([h.call(op('deleteVirtualMachine'), { id: vm.id }, token), h.call(op('powerOnVirtualMachine'), { id: vm.id }, token)]);
    const codes = [...codesOf(del), ...codesOf(on)];
    expect(codes).toEqual(['INVALID_STATE']);
    const reached = h.compute.applied.filter((a) => a.vmId === vm.id).map((a) => a.action);
    expect(reached).toEqual([del.errors ? 'POWER_ON' : 'DELETE']);
    expect(await eventsOf(h, vm.id)).toHaveLength(1);
  }
});

test('the transition is committed before the provider hears of it', async ({ vms: h }) => {
  const token = await h.user(h.orgs.customerA, 'MEMBER');
  const [vm] = await h.addVms(h.orgs.customerA, 1, stopped);
  const seen: string[] = [];
  h.compute.onApply = async (vmId) => {
    const row = await sql<{ status: string }>`select status from virtual_machines where id = ${vmId}`.execute(h.db);
    seen.push(row.rows[0]!.status);
  };
  try {
    expect((await h.call(op('powerOnVirtualMachine'), { id: vm!.id }, token)).errors).toBeUndefined();
  } finally {
    h.compute.onApply = undefined;
  }
  expect(seen).toEqual(['RUNNING']);
});

test('idempotency keys: the same key and request answer the same and act once; another request under the key is CONFLICT', async ({ vms: h }) => {
  const token = await h.user(h.orgs.customerB, 'MEMBER');
  const [vm, other] = await h.addVms(h.orgs.customerB, 2, { status: 'RUNNING', powerState: 'POWERED_ON' });
  // Five at once and one later, all with one key: one transition, one provider call, six equal answers.
  const answers = await Promise.all(Array.from({ length: 5 }, () => h.call(op('powerOffVirtualMachine'), { id: vm!.id, key: 'off-1' }, token)));
  answers.push(await h.call(op('powerOffVirtualMachine'), { id: vm!.id, key: 'off-1' }, token));
  for (const a of answers) expect(a.errors).toBeUndefined();
  expect(new Set(answers.map((a) => JSON.stringify(a.data)))).toHaveProperty('size', 1);
  expect(answers[0]!.data.powerOffVirtualMachine).toMatchObject({ id: vm!.id, status: 'STOPPED', powerState: 'POWERED_OFF' });
  expect(await eventsOf(h, vm!.id)).toHaveLength(1);
  expect(h.compute.applied.filter((a) => a.vmId === vm!.id)).toEqual([{ vmId: vm!.id, action: 'POWER_OFF' }]);

  // The key on another action of this VM, or on a resize of another size: CONFLICT naming idempotencyKey, nothing done.
  const reused = await h.call(op('powerOnVirtualMachine'), { id: vm!.id, key: 'off-1' }, token);
  expect(codesOf(reused)).toEqual(['CONFLICT']);
  expect(reused.errors![0]!.extensions?.['field']).toBe('idempotencyKey');
  // The same key on another VM is another operation.
  expect((await h.call(op('powerOffVirtualMachine'), { id: other!.id, key: 'off-1' }, token)).errors).toBeUndefined();

  // A resize twice at once under one key: one hold, one RESIZED line, both the same answer.
  const spec = { vcpu: 4, memoryGib: 8, diskGib: 200 };
  const resized = await Promise.all([1, 2].map(() => h.call(RESIZE, { id: vm!.id, spec, key: 'grow-1' }, token)));
  expect(resized.map((r) => r.errors)).toEqual([undefined, undefined]);
  expect(resized[0]!.data).toEqual(resized[1]!.data);
  expect((await eventsOf(h, vm!.id)).filter((e) => e.kind === 'RESIZED')).toHaveLength(1);
  expect(holdsOf(h, h.orgs.customerB).map((x) => [x.amountMinor, x.status])).toEqual([[64_200n, 'RELEASED']]);
  const different = await h.call(RESIZE, { id: vm!.id, spec: { ...spec, diskGib: 300 }, key: 'grow-1' }, token);
  expect(codesOf(different)).toEqual(['CONFLICT']);
  expect(await diskOf(h, vm!.id)).toBe(200);

  const bad = await h.call(op('powerOnVirtualMachine'), { id: vm!.id, key: 'has space' }, token);
  expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
  expect(bad.errors![0]!.extensions?.['field']).toBe('idempotencyKey');
});
