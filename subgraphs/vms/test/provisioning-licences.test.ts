import { newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { vmsTest as test, type RunningVms } from './support/fixtures.ts';

const PROVISION = `mutation($input: ProvisionVirtualMachineInput!) {
  provisionVirtualMachine(input: $input) { id status guestOs licences addOns } }`;
const VM = 'query($id: ID!) { virtualMachine(id: $id) { id status licences addOns } }';
const INVENTORY = 'query($first: Int!) { internalInventory(first: $first) { id licences addOns } }';

const spec = { vcpu: 1, memoryGib: 1, diskGib: 20 };

async function provision(h: RunningVms, input: Record<string, unknown>) {
  return h.call(
    PROVISION,
    { input: { organizationId: h.orgs.customerA, spec, guestOs: 'UBUNTU_64', idempotencyKey: newId(), ...input } },
    await h.user(h.orgs.customerA, 'MEMBER'),
  );
}

/** What a refused request must not leave behind: a VM or saga of that name (a VM's events come with it), or a hold. */
const writes = async (h: RunningVms, name: string) => [
  Number((await sql<{ n: string }>`select count(*) as n from virtual_machines where name = ${name}`.execute(h.db)).rows[0]!.n),
  Number((await sql<{ n: string }>`select count(*) as n from provision_sagas where request->>'name' = ${name}`.execute(h.db)).rows[0]!.n),
  h.wallet.holds.size,
];

test('a VM provisioned with licences and add-ons carries them: on the VM, in its events, in the inventory billing reads, and in the hold', async ({
  vms: h,
  auth,
}) => {
  const r = await provision(h, { name: 'extras-linux', licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP', 'ADD-MONITOR'] });
  expect(r.errors).toBeUndefined();
  const vm = r.data.provisionVirtualMachine;
  expect(vm).toMatchObject({ status: 'PROVISIONING', licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP', 'ADD-MONITOR'] });
  // The hold is the first month of all of it: 155.00 + 38.00 + 180.00 + 89.00 + 45.00 + 25.00 = 532.00
  expect([...h.wallet.holds.values()].find((hold) => hold.amountMinor === 53200n)).toBeDefined();
  await until(async () =>
    (await h.call(VM, { id: vm.id }, await h.user(h.orgs.customerA, 'VIEWER'))).data.virtualMachine.status === 'RUNNING' ? true : undefined,
  );

  const { rows } = await sql<{ topic: string; payload: Record<string, unknown> }>`
    select topic, payload from outbox where payload->>'vmId' = ${vm.id} order by id`.execute(h.db);
  expect(rows.map((e) => [e.topic, e.payload['licences'], e.payload['addOns']])).toEqual([
    ['vms.vm.provisioning', ['LIC-WIN-SRV'], ['ADD-BACKUP', 'ADD-MONITOR']],
    ['vms.vm.provisioned', ['LIC-WIN-SRV'], ['ADD-BACKUP', 'ADD-MONITOR']],
  ]);
  const service = await auth.serviceToken('billing', ['vms:read']);
  const inventory = (await h.call(INVENTORY, { first: 1000 }, service)).data.internalInventory as { id: string }[];
  expect(inventory.find((v) => v.id === vm.id)).toEqual({ id: vm.id, licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP', 'ADD-MONITOR'] });
});

test('a Windows Server guest always carries LIC-WIN-SRV (added when not listed, once when listed); other guests carry none unless asked', async ({
  vms: h,
}) => {
  const added = await provision(h, { name: 'win-implied', guestOs: 'WINDOWS_SERVER_2022', addOns: ['ADD-BACKUP'] });
  expect(added.errors).toBeUndefined();
  expect(added.data.provisionVirtualMachine).toMatchObject({ licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP'] });
  const listed = await provision(h, { name: 'win-listed', guestOs: 'WINDOWS_9_SERVER_64', licences: ['LIC-WIN-SRV'] });
  expect(listed.data.provisionVirtualMachine).toMatchObject({ licences: ['LIC-WIN-SRV'], addOns: [] });
  const linux = await provision(h, { name: 'plain-linux' });
  expect(linux.data.provisionVirtualMachine).toMatchObject({ licences: [], addOns: [] });
});

test('an unknown SKU, a SKU of the wrong kind, a malformed or repeated SKU: BAD_USER_INPUT naming the entry, and nothing written', async ({ vms: h }) => {
  const before = await writes(h, 'never-made');
  expect(before.slice(0, 2)).toEqual([0, 0]);
  const cases: [Record<string, unknown>, string][] = [
    [{ licences: ['LIC-NOPE'] }, 'input.licences[0]: no LICENCE product has SKU LIC-NOPE.'],
    [{ addOns: ['ADD-BACKUP', 'LIC-WIN-SRV'] }, 'input.addOns[1]: no ADD_ON product has SKU LIC-WIN-SRV.'],
    [{ licences: ['ADD-BACKUP'] }, 'input.licences[0]: no LICENCE product has SKU ADD-BACKUP.'],
    [{ licences: ['lic win'] }, `input.licences[0]: "lic win" is not a SKU (capitals, digits and '-', like LIC-WIN-SRV).`],
    [{ addOns: ['ADD-BACKUP', 'ADD-BACKUP'] }, 'input.addOns[1]: ADD-BACKUP is listed twice.'],
    [{ addOns: Array.from({ length: 11 }, (_, i) => `ADD-${i}X`) }, 'input.addOns: may list at most 10 SKUs.'],
  ];
  for (const [extras, message] of cases) {
    const r = await provision(h, { name: 'never-made', ...extras });
    expect(codesOf(r), message).toEqual(['BAD_USER_INPUT']);
    expect(r.errors?.[0]?.message).toBe(message);
  }
  expect(await writes(h, 'never-made')).toEqual(before);
});

test('the same key with other extras is a CONFLICT; with the same extras, the same VM', async ({ vms: h }) => {
  const idempotencyKey = newId();
  const first = await provision(h, { name: 'keyed-extras', addOns: ['ADD-BACKUP'], idempotencyKey });
  const again = await provision(h, { name: 'keyed-extras', addOns: ['ADD-BACKUP'], idempotencyKey });
  expect(again.data.provisionVirtualMachine.id).toBe(first.data.provisionVirtualMachine.id);
  const other = await provision(h, { name: 'keyed-extras', addOns: ['ADD-MONITOR'], idempotencyKey });
  expect(codesOf(other)).toEqual(['CONFLICT']);
});
