import { readFileSync } from 'node:fs';
import { newId } from '@platform/kernel';
import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { vmsTest } from './support/fixtures.ts';

const SAMPLE = readFileSync('/work/shared/data/vcenter-snapshot.sample.json', 'utf8');
const IMPORT =
  'mutation($input: ImportInventoryInput!) { importVirtualMachineInventory(input: $input) { vcenter added changed unchanged gone skipped unmappedPools } }';

interface SampleVm {
  vm: string;
  resource_pool: string;
  info: { name: string; power_state: string; identity: { instance_uuid: string }; cpu?: { count: number } | null; memory?: { size_MiB: number } | null };
}

/** A provider admin's token and the sample's pools mapped to the tree (resgroup-106 left unmapped). */
const test = vmsTest.extend<{ importer: { admin: string; mappings: { resourcePool: string; organizationId: string }[] } }>({
  importer: [
    async ({ vms: { orgs, user } }, use) => {
      const targets = [orgs.customerA, orgs.customerA2, orgs.customerB, orgs.directCustomer, orgs.customerA, orgs.customerB];
      const mappings = targets.map((organizationId, i) => ({ resourcePool: `resgroup-${100 + i}`, organizationId }));
      await use({ admin: await user(orgs.provider, 'ADMIN'), mappings });
    },
    { scope: 'file' },
  ],
});

test('imports the sample snapshot, skipping the unmapped pool; unset CPU and memory stay unknown; a second run changes nothing', async ({
  vms: h,
  importer: { admin, mappings },
}) => {
  const first = await h.call(IMPORT, { input: { snapshot: SAMPLE, mappings } }, admin);
  expect(first.errors).toBeUndefined();
  expect(first.data.importVirtualMachineInventory).toEqual({
    vcenter: 'vc01.example.internal',
    added: 38,
    changed: 0,
    unchanged: 0,
    gone: 0,
    skipped: 2,
    unmappedPools: ['resgroup-106'],
  });

  const { rows } = await sql<{ vcpu: number | null; memory_mib: number | null; status: string; org_path: string[] }>`
    select vcpu, memory_mib, status, org_path from virtual_machines where instance_uuid = ${instanceUuidOf('vm-1005')}`.execute(h.db);
  expect(rows[0]).toMatchObject({ vcpu: null, memory_mib: null });
  const summary = await h.call(
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { resourceSummary(scope: SUBTREE) { vmCount specUnknown } } } }',
    { r: [{ __typename: 'Organization', id: h.orgs.provider }] },
    admin,
  );
  expect(summary.data._entities[0].resourceSummary).toEqual({ vmCount: 38, specUnknown: 1 });

  const again = await h.call(IMPORT, { input: { snapshot: SAMPLE, mappings } }, admin);
  expect(again.data.importVirtualMachineInventory).toMatchObject({ added: 0, changed: 0, unchanged: 38, gone: 0, skipped: 2 });
});

test('a later snapshot: a changed VM is updated, a missing one is gone (DELETED), unset CPU keeps what was known', async ({
  vms: h,
  importer: { admin, mappings },
}) => {
  const snapshot = JSON.parse(SAMPLE) as { vms: SampleVm[] };
  const [powered, dropped, unsetCpu] = ['vm-1000', 'vm-1001', 'vm-1002'].map((id) => snapshot.vms.find((v) => v.vm === id)!);
  powered!.info.power_state = 'POWERED_OFF';
  unsetCpu!.info.cpu = null;
  snapshot.vms = snapshot.vms.filter((v) => v !== dropped);
  const r = await h.call(IMPORT, { input: { snapshot: JSON.stringify(snapshot), mappings } }, admin);
  expect(r.errors).toBeUndefined();
  expect(r.data.importVirtualMachineInventory).toMatchObject({ added: 0, changed: 1, unchanged: 36, gone: 1, skipped: 2 });

  const state = async (vm: string) =>
    (
      await sql<{
        status: string;
        power_state: string;
        vcpu: number | null;
      }>`select status, power_state, vcpu from virtual_machines where instance_uuid = ${instanceUuidOf(vm)}`.execute(h.db)
    ).rows[0];
  expect(await state('vm-1000')).toMatchObject({ status: 'STOPPED', power_state: 'POWERED_OFF' });
  expect(await state('vm-1001')).toMatchObject({ status: 'DELETED' });
  expect(await state('vm-1002')).toMatchObject({ vcpu: 2 });
  const { rows } = await sql<{ kind: string; n: string }>`select kind, count(*) as n from vm_events group by kind order by kind`.execute(h.db);
  expect(rows.map((e) => [e.kind, Number(e.n)])).toEqual([
    ['IMPORTED', 38],
    ['IMPORT_GONE', 1],
    ['IMPORT_UPDATED', 1],
  ]);
});

test('only provider staff may import; bad snapshots and mappings name the field and write nothing', async ({ vms: h, importer: { admin, mappings } }) => {
  const vmsBefore = Number((await sql<{ n: string }>`select count(*) as n from virtual_machines`.execute(h.db)).rows[0]!.n);
  expect(codesOf(await h.call(IMPORT, { input: { snapshot: SAMPLE, mappings } }, await h.user(h.orgs.resellerA, 'OWNER')))).toEqual(['FORBIDDEN']);
  expect(codesOf(await h.call(IMPORT, { input: { snapshot: SAMPLE, mappings } }, await h.user(h.orgs.provider, 'MEMBER')))).toEqual(['FORBIDDEN']);
  const broken = JSON.parse(SAMPLE) as { vms: SampleVm[] };
  broken.vms[3]!.info.power_state = 'ON';
  const cases: [Record<string, unknown>, string][] = [
    [{ snapshot: '{not json', mappings }, 'snapshot'],
    [{ snapshot: '{"vms": []}', mappings }, 'snapshot.vcenter'],
    [{ snapshot: JSON.stringify(broken), mappings }, 'snapshot.vms[3].info.power_state'],
    [{ snapshot: SAMPLE, mappings: [{ resourcePool: 'resgroup-100', organizationId: newId() }] }, 'mappings[0].organizationId'],
    [{ snapshot: SAMPLE, mappings: [mappings[0], mappings[0]] }, 'mappings[1].resourcePool'],
  ];
  for (const [input, field] of cases) {
    const r = await h.call(IMPORT, { input }, admin);
    expect(codesOf(r), field).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions?.['field']).toBe(`input.${field}`);
  }
  expect(Number((await sql<{ n: string }>`select count(*) as n from virtual_machines`.execute(h.db)).rows[0]!.n)).toBe(vmsBefore);
});

function instanceUuidOf(vm: string): string {
  return (JSON.parse(SAMPLE) as { vms: SampleVm[] }).vms.find((v) => v.vm === vm)!.info.identity.instance_uuid;
}
