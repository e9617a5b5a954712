import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import type { VmAction } from '../src/domain/lifecycle.ts';
import { VM_STATUSES, type PowerState, type VmStatus } from '../src/domain/vm.ts';
import { countRows, vmsTest } from './support/fixtures.ts';

const MUTATION: Record<Exclude<VmAction, 'RESIZE'>, string> = {
  POWER_ON: 'powerOnVirtualMachine',
  POWER_OFF: 'powerOffVirtualMachine',
  RESTART: 'restartVirtualMachine',
  SUSPEND: 'suspendVirtualMachine',
  DELETE: 'deleteVirtualMachine',
};
const POWER_OF: Record<VmStatus, PowerState> = {
  PROVISIONING: 'POWERED_OFF',
  RUNNING: 'POWERED_ON',
  STOPPED: 'POWERED_OFF',
  SUSPENDED: 'SUSPENDED',
  ERROR: 'POWERED_OFF',
  DELETED: 'POWERED_OFF',
};
const RESIZE =
  'mutation($id: ID!, $spec: VirtualMachineSpecInput!) { resizeVirtualMachine(id: $id, spec: $spec) { id status spec { vcpu memoryMib diskGib } product { id } } }';

/**
 * The expected state machine, written out (DESIGN and the schema's mutation docs): for each action and
 * each status the VM starts in, the status and power state it ends in, or null when it is refused.
 */
type Outcome = { status: VmStatus; powerState: PowerState } | null;
const RUNNING_ON: Outcome = { status: 'RUNNING', powerState: 'POWERED_ON' };
const STOPPED_OFF: Outcome = { status: 'STOPPED', powerState: 'POWERED_OFF' };
const SUSPENDED: Outcome = { status: 'SUSPENDED', powerState: 'SUSPENDED' };
const DELETED_OFF: Outcome = { status: 'DELETED', powerState: 'POWERED_OFF' };
const EXPECTED: Record<VmAction, Record<VmStatus, Outcome>> = {
  //            PROVISIONING        RUNNING            STOPPED             SUSPENDED           ERROR               DELETED
  POWER_ON: { PROVISIONING: null, RUNNING: null, STOPPED: RUNNING_ON, SUSPENDED: RUNNING_ON, ERROR: null, DELETED: null },
  POWER_OFF: { PROVISIONING: null, RUNNING: STOPPED_OFF, STOPPED: null, SUSPENDED: STOPPED_OFF, ERROR: null, DELETED: null },
  RESTART: { PROVISIONING: null, RUNNING: RUNNING_ON, STOPPED: null, SUSPENDED: null, ERROR: null, DELETED: null },
  SUSPEND: { PROVISIONING: null, RUNNING: SUSPENDED, STOPPED: null, SUSPENDED: null, ERROR: null, DELETED: null },
  RESIZE: { PROVISIONING: null, RUNNING: null, STOPPED: STOPPED_OFF, SUSPENDED: null, ERROR: null, DELETED: null },
  DELETE: { PROVISIONING: null, RUNNING: null, STOPPED: DELETED_OFF, SUSPENDED: DELETED_OFF, ERROR: DELETED_OFF, DELETED: null },
};
const STATUSES: VmStatus[] = ['PROVISIONING', 'RUNNING', 'STOPPED', 'SUSPENDED', 'ERROR', 'DELETED'];

describe('the lifecycle state machine, every action from every status', () => {
  vmsTest('the statuses are the six the matrix covers', () => {
    expect([...VM_STATUSES].sort()).toEqual([...STATUSES].sort());
  });

  for (const action of Object.keys(EXPECTED) as VmAction[]) {
    const allowed = STATUSES.filter((s) => EXPECTED[action][s] !== null);
    vmsTest(`${action}: allowed from ${allowed.join(', ')}; INVALID_STATE naming the status otherwise`, async ({ vms: h }) => {
      const token = await h.user(h.orgs.customerA, 'MEMBER');
      for (const status of STATUSES) {
        const [vm] = await h.addVms(h.orgs.customerA, 1, { status, powerState: POWER_OF[status] });
        const r =
          action === 'RESIZE'
            ? await h.call(RESIZE, { id: vm!.id, spec: { vcpu: 4, memoryGib: 8, diskGib: 200 } }, token)
            : await h.call(`mutation($id: ID!) { ${MUTATION[action]}(id: $id) { id status powerState } }`, { id: vm!.id }, token);
        const expected = EXPECTED[action][status];
        const after = await sql<{ status: string; power_state: string }>`select status, power_state from virtual_machines where id = ${vm!.id}`.execute(h.db);
        if (expected) {
          expect(r.errors, `${action} from ${status}`).toBeUndefined();
          if (action !== 'RESIZE') {
            expect((r.data as Record<string, unknown>)[MUTATION[action]], `${action} from ${status}`).toEqual({ id: vm!.id, ...expected });
          } else {
            expect(r.data.resizeVirtualMachine, `${action} from ${status}`).toMatchObject({ id: vm!.id, status: expected.status });
          }
          expect(after.rows[0], `${action} from ${status}`).toEqual({ status: expected.status, power_state: expected.powerState });
        } else {
          expect(codesOf(r), `${action} from ${status}`).toEqual(['INVALID_STATE']);
          expect(r.errors![0]!.message).toContain(`is ${status}`);
          expect(r.errors![0]!.extensions?.['status']).toBe(status);
          expect(after.rows[0], `${action} from ${status}: unchanged`).toEqual({ status, power_state: POWER_OF[status] });
        }
      }
    });
  }
});

vmsTest('a transition writes one history line and one outbox event; a refused one writes nothing', async ({ vms: h }) => {
  const token = await h.user(h.orgs.customerA2, 'ADMIN');
  const [vm] = await h.addVms(h.orgs.customerA2, 1);
  const before = { events: await countRows(h.db, 'vm_events'), outbox: await countRows(h.db, 'outbox') };
  const off = await h.call('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status powerState } }', { id: vm!.id }, token);
  expect(off.data).toEqual({ powerOffVirtualMachine: { status: 'STOPPED', powerState: 'POWERED_OFF' } });
  const again = await h.call('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: vm!.id }, token);
  expect(codesOf(again)).toEqual(['INVALID_STATE']);
  expect(await countRows(h.db, 'vm_events')).toBe(before.events + 1);
  expect(await countRows(h.db, 'outbox')).toBe(before.outbox + 1);
  const { rows } = await sql<{ topic: string; payload: { vmId: string; organizationId: string; spec: unknown; at: string } }>`
    select topic, payload from outbox order by id desc limit 1`.execute(h.db);
  expect(rows[0]!.topic).toBe('vms.vm.powered_off');
  expect(rows[0]!.payload).toMatchObject({ vmId: vm!.id, organizationId: h.orgs.customerA2, spec: { vcpu: 2, memoryMib: 4096 } });
  const history = await h.call(
    `query($id: ID!) { virtualMachine(id: $id) { events(first: 5) { edges { node { kind fromStatus toStatus actor at } } } } }`,
    { id: vm!.id },
    token,
  );
  expect(history.data.virtualMachine.events.edges.map((e: { node: unknown }) => e.node)).toEqual([
    expect.objectContaining({ kind: 'POWERED_OFF', fromStatus: 'RUNNING', toStatus: 'STOPPED', actor: expect.any(String) }),
  ]);
});

vmsTest('two racing power-offs: one wins, the other is INVALID_STATE; one history line', async ({ vms: h }) => {
  const token = await h.user(h.orgs.customerA2, 'MEMBER');
  const [vm] = await h.addVms(h.orgs.customerA2, 1);
  const results = await Promise.all(
    Array.from({ length: 6 }, () => h.call('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: vm!.id }, token)),
  );
  expect(results.filter((r) => !r.errors)).toHaveLength(1);
  expect(results.flatMap(codesOf).every((c) => c === 'INVALID_STATE')).toBe(true);
  const { rows } = await sql<{ n: string }>`select count(*) as n from vm_events where vm_id = ${vm!.id}`.execute(h.db);
  expect(Number(rows[0]!.n)).toBe(1);
});

vmsTest('resize: a stopped VM takes the new spec and becomes custom; bad specs name the field; disks only grow', async ({ vms: h }) => {
  const token = await h.user(h.orgs.customerB, 'MEMBER');
  const [vm] = await h.addVms(h.orgs.customerB, 1, { status: 'STOPPED', powerState: 'POWERED_OFF', productId: '01935c00-0000-7000-8000-00000000beef' });
  const cases: [Record<string, unknown>, string][] = [
    [{ vcpu: 0, memoryGib: 8, diskGib: 200 }, 'spec.vcpu'],
    [{ vcpu: 65, memoryGib: 8, diskGib: 200 }, 'spec.vcpu'],
    [{ vcpu: 2, memoryGib: 513, diskGib: 200 }, 'spec.memoryGib'],
    [{ vcpu: 2, memoryGib: 8, diskGib: 19 }, 'spec.diskGib'],
    [{ vcpu: 2, memoryGib: 8, diskGib: 50 }, 'spec.diskGib'], // smaller than the current 100 GiB
  ];
  for (const [spec, field] of cases) {
    const r = await h.call(RESIZE, { id: vm!.id, spec }, token);
    expect(codesOf(r), JSON.stringify(spec)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions?.['field']).toBe(field);
  }
  const ok = await h.call(RESIZE, { id: vm!.id, spec: { vcpu: 8, memoryGib: 32, diskGib: 400, storageTier: 'PREMIUM' } }, token);
  expect(ok.errors).toBeUndefined();
  expect(ok.data.resizeVirtualMachine).toEqual({ id: vm!.id, status: 'STOPPED', spec: { vcpu: 8, memoryMib: 32768, diskGib: 400 }, product: null });
});

vmsTest('roles: a VIEWER cannot operate (FORBIDDEN); outside the subtree the VM does not exist (NOT_FOUND)', async ({ vms: h }) => {
  const [vm] = await h.addVms(h.orgs.customerA, 1);
  const off = 'mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }';
  expect(codesOf(await h.call(off, { id: vm!.id }, await h.user(h.orgs.customerA, 'VIEWER')))).toEqual(['FORBIDDEN']);
  expect(codesOf(await h.call(off, { id: vm!.id }, await h.user(h.orgs.customerA, 'BILLING')))).toEqual(['FORBIDDEN']);
  expect(codesOf(await h.call(off, { id: vm!.id }, await h.user(h.orgs.customerB, 'OWNER')))).toEqual(['NOT_FOUND']);
  expect(codesOf(await h.call(off, { id: vm!.id }, await h.user(h.orgs.resellerB, 'OWNER')))).toEqual(['NOT_FOUND']);
  expect(codesOf(await h.call(off, { id: vm!.id }))).toEqual(['UNAUTHENTICATED']);
  expect(codesOf(await h.call(off, { id: 'not-a-uuid' }, await h.user(h.orgs.customerA, 'MEMBER')))).toEqual(['BAD_USER_INPUT']);
  // The reseller above it may operate it (MEMBER+ in an ancestor).
  const r = await h.call(off, { id: vm!.id }, await h.user(h.orgs.resellerA, 'MEMBER'));
  expect(r.data).toEqual({ powerOffVirtualMachine: { status: 'STOPPED' } });
});
