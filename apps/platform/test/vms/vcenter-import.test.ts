import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { newId } from '@platform/kernel';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

const run = promisify(execFile);
let p: TestPlatform;
let admin: string;
let dir: string;
let file: string;

/** A 3,300-VM vSphere snapshot (about 1.8 MB: over the 1 MB body limit), written to a scratch folder. */
function writeFleet(count: number): string {
  const vms = Array.from({ length: count }, (_, i) => ({
    vm: `vm-${i}`,
    resource_pool: i % 2 === 0 ? 'resgroup-fynbos' : 'resgroup-protea',
    info: {
      name: `vc-fleet-${i}`,
      guest_OS: 'UBUNTU_64',
      identity: { name: `vc-fleet-${i}`, instance_uuid: newId() },
      power_state: 'POWERED_ON',
      cpu: { count: 2, cores_per_socket: 1 },
      memory: { size_MiB: 4096 },
      disks: { '2000': { label: 'Hard disk 1', type: 'SCSI', capacity: 107374182400 } },
    },
  }));
  const target = path.join(dir, 'fleet.json');
  writeFileSync(target, JSON.stringify({ vcenter: 'vc-script.example.internal', vms }, null, 1));
  return target;
}

beforeAll(async () => {
  p = await startTestPlatform();
  admin = await p.login('admin@highveld.example');
  dir = mkdtempSync(path.join(tmpdir(), 'vcenter-import-'));
  file = writeFleet(3300);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await p?.close();
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  run(path.resolve('node_modules/.bin/tsx'), ['scripts/import-vcenter.ts', ...args], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
const vmsBaseUrl = () => p.urls.vms.replace(/\/graphql$/, '');

test('the gateway still refuses a 3,300-VM snapshot in GraphQL (its body limit stays); npm run import:vcenter brings it in with progress and the report', async () => {
  const { readFileSync } = await import('node:fs');
  const viaGateway = await fetch(p.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({
      query: 'mutation($input: ImportInventoryInput!) { importVirtualMachineInventory(input: $input) { added } }',
      variables: { input: { snapshot: readFileSync(file, 'utf8'), mappings: [{ resourcePool: 'resgroup-fynbos', organizationId: DEMO_ORGS.fynbos }] } },
    }),
  });
  expect(viaGateway.status).toBe(413);

  const maps = ['--map', `resgroup-fynbos=${DEMO_ORGS.fynbos}`, '--map', `resgroup-protea=${DEMO_ORGS.protea}`];
  const r = await cli([file, ...maps, '--url', vmsBaseUrl()], { PLATFORM_TOKEN: admin });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.filter((l) => l.progress?.phase === 'reading').map((l) => l.progress.vms)).toEqual([1000, 2000, 3000]);
  expect(lines.at(-1)).toMatchObject({
    report: { vcenter: 'vc-script.example.internal', added: 3300, changed: 0, unchanged: 0, gone: 0, skipped: 0, unmappedPools: [] },
  });

  // The fleet is there, in the organisations the pools map to, as the customer sees it through the gateway.
  const protea = await p.login('admin@protea.example');
  const seen = await p.gateway(
    'query($id: ID!) { organization(id: $id) { virtualMachines(filter: { search: "vc-fleet-" }, first: 1) { edges { node { name status } } } } }',
    { id: DEMO_ORGS.protea },
    protea,
  );
  expect(seen.data.organization.virtualMachines.edges[0].node).toMatchObject({ name: expect.stringMatching(/^vc-fleet-\d*[13579]$/), status: 'RUNNING' });
}, 120_000);

test('the script refuses without a token, and reports the route refusal of a customer token with exit code 1', async () => {
  const missing = await cli([file, '--map', `resgroup-fynbos=${DEMO_ORGS.fynbos}`, '--url', vmsBaseUrl()], { PLATFORM_TOKEN: '' });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('give a provider admin access token');
  const customer = await cli([file, '--map', `resgroup-fynbos=${DEMO_ORGS.fynbos}`, '--url', vmsBaseUrl(), '--token', await p.login('admin@fynbos.example')]);
  expect(customer.code).toBe(1);
  expect(JSON.parse(customer.stdout.trim())).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
}, 60_000);
