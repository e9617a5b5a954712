import { readFileSync } from 'node:fs';
import { newId } from '@platform/kernel';
import { expect } from 'vitest';
import { countRows, vmsTest as test } from './support/fixtures.ts';

const SAMPLE = readFileSync('/work/shared/data/vcenter-snapshot.sample.json', 'utf8');

interface Upload {
  status: number;
  lines: Record<string, unknown>[];
}

/** POST /import/vcenter on the vms subgraph itself (the gateway keeps its 1 MB limit). */
async function upload(baseUrl: string, body: string, maps: string[], token?: string): Promise<Upload> {
  const query = maps.map((m) => `map=${encodeURIComponent(m)}`).join('&');
  const res = await fetch(`${baseUrl}/import/vcenter?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await res.text();
  const lines = res.headers.get('content-type')?.includes('ndjson')
    ? text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [JSON.parse(text) as Record<string, unknown>];
  return { status: res.status, lines };
}

/** A vSphere-shaped snapshot of `count` VMs spread over pools rp-0…rp-3 (generated here, never committed). */
function fleet(count: number, vcenter: string, spoil?: number): string {
  const vms = Array.from({ length: count }, (_, i) => ({
    vm: `vm-${i}`,
    resource_pool: `rp-${i % 4}`,
    info: {
      name: `fleet-${String(i).padStart(5, '0')}`,
      guest_OS: 'UBUNTU_64',
      identity: { name: `fleet-${i}`, instance_uuid: newId() },
      power_state: i === spoil ? 'EXPLODED' : i % 3 === 0 ? 'POWERED_OFF' : 'POWERED_ON',
      cpu: { count: 1 + (i % 8), cores_per_socket: 1 },
      memory: { size_MiB: 1024 * (1 + (i % 16)) },
      disks: { '2000': { label: 'Hard disk 1', type: 'SCSI', capacity: 53687091200 } },
    },
  }));
  return JSON.stringify({ vcenter, collected_at: '2026-11-20T06:00:00Z', resource_pools: [], vms }, null, 1);
}

test('the sample through the upload route: the same report as the GraphQL import', async ({ vms: h }) => {
  const admin = await h.user(h.orgs.provider, 'ADMIN');
  const targets = [h.orgs.customerA, h.orgs.customerA2, h.orgs.customerB, h.orgs.directCustomer, h.orgs.customerA, h.orgs.customerB];
  const maps = targets.map((org, i) => `resgroup-${100 + i}=${org}`);
  const r = await upload(h.baseUrl, SAMPLE, maps, admin);
  expect(r.status).toBe(200);
  expect(r.lines.at(-1)).toMatchObject({
    report: { vcenter: 'vc01.example.internal', added: 38, changed: 0, unchanged: 0, gone: 0, skipped: 2, unmappedPools: ['resgroup-106'] },
  });
  const again = await upload(h.baseUrl, SAMPLE, maps, admin);
  expect(again.lines.at(-1)).toMatchObject({ report: { added: 0, changed: 0, unchanged: 38, gone: 0, skipped: 2 } });
});

test('refusals before the body is read: no token 401, a customer admin 403, a bad mapping 400 naming it; nothing written', async ({ vms: h }) => {
  const before = await countRows(h.db, 'virtual_machines');
  const body = fleet(10, 'vc-refused');
  const anonymous = await upload(h.baseUrl, body, [`rp-0=${h.orgs.customerA}`]);
  expect(anonymous.status).toBe(401);
  expect(anonymous.lines[0]).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  const customer = await upload(h.baseUrl, body, [`rp-0=${h.orgs.customerA}`], await h.user(h.orgs.customerA, 'ADMIN'));
  expect(customer.status).toBe(403);
  expect(customer.lines[0]).toMatchObject({
    errors: [{ message: 'Only provider staff (ADMIN on the provider) may import an inventory.', extensions: { code: 'FORBIDDEN' } }],
  });
  const admin = await h.user(h.orgs.provider, 'ADMIN');
  for (const [maps, field] of [
    [[], 'map'],
    [['rp-0'], 'map[0]'],
    [[`rp-0=${h.orgs.customerA}`, 'rp-1=not-a-uuid'], 'map[1]'],
    [[`rp-0=${newId()}`], 'map[0]'],
    [[`rp-0=${h.orgs.customerA}`, `rp-0=${h.orgs.customerB}`], 'map[1]'],
  ] as const) {
    const r = await upload(h.baseUrl, body, [...maps], admin);
    expect(r.status, JSON.stringify(maps)).toBe(400);
    expect(r.lines[0], JSON.stringify(maps)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', field } }] });
  }
  expect(await countRows(h.db, 'virtual_machines')).toBe(before);
});

test('a bad VM deep in the stream, or broken JSON, is BAD_USER_INPUT naming the place; nothing written', async ({ vms: h }) => {
  const admin = await h.user(h.orgs.provider, 'ADMIN');
  const before = await countRows(h.db, 'virtual_machines');
  const maps = [`rp-0=${h.orgs.customerA}`, `rp-1=${h.orgs.customerB}`];
  const spoiled = await upload(h.baseUrl, fleet(3000, 'vc-spoiled', 2500), maps, admin);
  expect(spoiled.status).toBe(200);
  expect(spoiled.lines.at(-1)).toEqual({
    error: { code: 'BAD_USER_INPUT', field: 'snapshot.vms[2500].info.power_state', message: expect.stringContaining('must be one of POWERED_ON') },
  });
  const broken = await upload(h.baseUrl, fleet(50, 'vc-broken').slice(0, -200), maps, admin);
  expect(broken.lines.at(-1)).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'snapshot' } });
  const noVcenter = await upload(h.baseUrl, '{"vms": []}', maps, admin);
  expect(noVcenter.lines.at(-1)).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'snapshot.vcenter' } });
  expect(await countRows(h.db, 'virtual_machines')).toBe(before);
});

test('a generated 10,000-VM snapshot (about 5 MB) imports through the route with progress and the report', async ({ vms: h }) => {
  const admin = await h.user(h.orgs.provider, 'ADMIN');
  const body = fleet(10_000, 'vc-big');
  expect(body.length).toBeGreaterThan(5_000_000);
  const before = await countRows(h.db, 'virtual_machines');
  const maps = [`rp-0=${h.orgs.customerA}`, `rp-1=${h.orgs.customerA2}`, `rp-2=${h.orgs.customerB}`, `rp-3=${h.orgs.directCustomer}`];
  const started = performance.now();
  const r = await upload(h.baseUrl, body, maps, admin);
  const ms = Math.round(performance.now() - started);
  console.info(`10,000-VM snapshot (${(body.length / 1e6).toFixed(1)} MB) imported in ${ms} ms`);
  expect(r.status).toBe(200);
  const reading = r.lines
    .filter((l) => (l['progress'] as { phase?: string } | undefined)?.phase === 'reading')
    .map((l) => (l['progress'] as { vms: number }).vms);
  expect(reading).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
  expect(r.lines.at(-2)).toEqual({ progress: { phase: 'writing', vms: 10_000 } });
  expect(r.lines.at(-1)).toMatchObject({ report: { vcenter: 'vc-big', added: 10_000, changed: 0, unchanged: 0, gone: 0, skipped: 0, unmappedPools: [] } });
  expect(await countRows(h.db, 'virtual_machines')).toBe(before + 10_000);
}, 120_000);
