import { newId } from '@platform/kernel';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { FleetCustomer, FleetProduct } from '../src/domain/fleet-seed.ts';
import { vmsTest } from './support/fixtures.ts';

const size = (sku: string, vcpu: number, memoryGib: number, diskGib: number): FleetProduct => ({
  id: newId(),
  sku,
  vcpu,
  cpuSpeed: 'STANDARD',
  memoryGib,
  diskGib,
  storageTier: 'STANDARD',
});

vmsTest('the demo fleet: 3,260 VMs spread unevenly, sized from the catalogue, in a mix of states; fast, and a second run adds nothing', async ({ vms: h }) => {
  const products = [size('VM-GP-1C2G', 1, 2, 40), size('VM-GP-2C8G', 2, 8, 100), size('VM-GP-8C32G', 8, 32, 400), size('VM-MEM-32C256G', 32, 256, 1000)];
  const customers: FleetCustomer[] = [
    { id: h.orgs.customerA, orgPath: [h.orgs.provider, h.orgs.resellerA, h.orgs.customerA], slug: 'kestrel', weight: 900 },
    { id: h.orgs.customerA2, orgPath: [h.orgs.provider, h.orgs.resellerA, h.orgs.customerA2], slug: 'baobab', weight: 300 },
    { id: h.orgs.directCustomer, orgPath: [h.orgs.provider, h.orgs.directCustomer], slug: 'karoo', weight: 60 },
  ];
  const started = performance.now();
  expect(await h.subgraph.seedFleet(customers, products, 3260)).toBe(3260);
  expect(performance.now() - started).toBeLessThan(10_000);
  expect(await h.subgraph.seedFleet(customers, products, 3260)).toBe(0);

  const { rows: perOrg } = await sql<{
    organization_id: string;
    n: string;
  }>`select organization_id, count(*) as n from virtual_machines group by organization_id`.execute(h.db);
  const counts = Object.fromEntries(perOrg.map((r) => [r.organization_id, Number(r.n)]));
  expect(counts).toEqual({ [h.orgs.customerA]: 2329, [h.orgs.customerA2]: 776, [h.orgs.directCustomer]: 155 }); // by weight; the rounding remainder to the first
  const { rows: states } = await sql<{ status: string; n: string }>`select status, count(*) as n from virtual_machines group by status`.execute(h.db);
  const byStatus = Object.fromEntries(states.map((r) => [r.status, Number(r.n)]));
  expect(byStatus['RUNNING']).toBeGreaterThan(2000);
  for (const status of ['STOPPED', 'SUSPENDED', 'ERROR', 'DELETED']) expect(byStatus[status], status).toBeGreaterThan(20);
  const { rows: unknownProduct } = await sql<{
    n: string;
  }>`select count(*) as n from virtual_machines where product_id <> all(${products.map((p) => p.id)}::uuid[])`.execute(h.db);
  expect(Number(unknownProduct[0]!.n)).toBe(0);
  const { rows: dupes } = await sql<{
    n: string;
  }>`select count(*) as n from (select organization_id, name from virtual_machines group by 1, 2 having count(*) > 1) d`.execute(h.db);
  expect(Number(dupes[0]!.n)).toBe(0);

  // Every Windows Server guest carries its licence and no other VM does; every 8th VM has a backup, VMs 6, 18, 30, … monitoring.
  const { rows: extras } = await sql<{ windows: string; licensed: string; both: string; backup: string; monitor: string }>`
    select count(*) filter (where guest_os like 'WINDOWS_SERVER%') as windows,
           count(*) filter (where licences = array['LIC-WIN-SRV']) as licensed,
           count(*) filter (where guest_os like 'WINDOWS_SERVER%' and licences = array['LIC-WIN-SRV']) as both,
           count(*) filter (where add_ons = array['ADD-BACKUP']) as backup,
           count(*) filter (where add_ons = array['ADD-MONITOR']) as monitor
    from virtual_machines`.execute(h.db);
  const { windows, licensed, both, backup, monitor } = extras[0]!;
  expect(Number(windows)).toBeGreaterThan(500);
  expect([licensed, both]).toEqual([windows, windows]);
  // 3,260 / 8 = 407 backups; n ≡ 6 (mod 12) up to 3,260: 272 monitored.
  expect([backup, monitor]).toEqual(['407', '272']);

  // The provider's whole fleet in one total.
  const r = await h.call(
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { resourceSummary(scope: SUBTREE) { vmCount running } } } }',
    { r: [{ __typename: 'Organization', id: h.orgs.provider }] },
    await h.user(h.orgs.provider, 'VIEWER'),
  );
  expect(r.data._entities[0].resourceSummary).toEqual({ vmCount: 3260 - byStatus['DELETED']!, running: byStatus['RUNNING'] });
});
