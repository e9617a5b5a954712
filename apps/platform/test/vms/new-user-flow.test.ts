import { until } from '@platform/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { cents } from '../support/provisioning.ts';

// The default (simulated) compute provider, made quick and reliable for the test.
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform({ vms: { env: { VMS_BUILD_DELAY_MS: '150', VMS_BUILD_FAILURE_PERCENT: '0' } } });
});
afterAll(() => p?.close());

const DASHBOARD = `query($id: ID!) { organization(id: $id) {
  name
  virtualMachines(first: 10) { edges { node { id name status powerState spec { vcpu memoryMib } product { name price { monthly { amount } } } } } pageInfo { hasNextPage } }
  resourceSummary { vmCount running vcpuTotal memoryGib diskTib }
  wallet { available { amount } }
} }`;

test('a customer admin through the gateway: sees the fleet, provisions a VM, watches it turn RUNNING, its funds check given back', async () => {
  const token = await p.login('admin@fynbos.example');

  const before = await p.gateway(DASHBOARD, { id: DEMO_ORGS.fynbos }, token);
  expect(before.errors).toBeUndefined();
  const org = before.data.organization;
  expect(org.name).toBe('Fynbos Media');
  expect(org.virtualMachines.edges).toHaveLength(10);
  expect(org.virtualMachines.pageInfo.hasNextPage).toBe(true);
  expect(org.virtualMachines.edges[0].node.product).toMatchObject({
    name: expect.any(String),
    price: { monthly: { amount: expect.stringMatching(/^\d+\.\d\d$/) } },
  });
  expect(org.resourceSummary.vmCount).toBeGreaterThan(400); // the seeded fleet, not "0 VMs"
  expect(org.resourceSummary.running).toBeGreaterThan(0);
  const availableBefore = cents(org.wallet.available.amount);

  const sizes = await p.gateway(
    '{ products(filter: { kind: VM_SIZE, minVcpu: 4 }, first: 1) { edges { node { id name price { monthly { amount } } } } } }',
    {},
    token,
  );
  const size = sizes.data.products.edges[0].node;
  const provisioned = await p.gateway(
    'mutation($input: ProvisionVirtualMachineInput!) { provisionVirtualMachine(input: $input) { id name status } }',
    { input: { organizationId: DEMO_ORGS.fynbos, name: 'render-node-01', productId: size.id, guestOs: 'UBUNTU_64', idempotencyKey: 'first-vm-please' } },
    token,
  );
  expect(provisioned.errors).toBeUndefined();
  expect(provisioned.data.provisionVirtualMachine).toMatchObject({ name: 'render-node-01', status: 'PROVISIONING' });
  const id = provisioned.data.provisionVirtualMachine.id;

  const seen: string[] = [];
  const vm = await until(async () => {
    const r = await p.gateway('query($id: ID!) { virtualMachine(id: $id) { status powerState ipAddress product { name } } }', { id }, token);
    const current = r.data.virtualMachine;
    if (seen.at(-1) !== current.status) seen.push(current.status);
    return current.status === 'RUNNING' ? current : undefined;
  });
  expect(seen[0]).toBe('PROVISIONING');
  expect(vm).toMatchObject({ powerState: 'POWERED_ON', ipAddress: expect.stringMatching(/^10\./), product: { name: size.name } });

  const after = await p.gateway(DASHBOARD, { id: DEMO_ORGS.fynbos }, token);
  expect(after.data.organization.virtualMachines.edges[0].node).toMatchObject({ id, name: 'render-node-01', status: 'RUNNING' });
  expect(after.data.organization.resourceSummary.vmCount).toBe(org.resourceSummary.vmCount + 1);
  // The month's hold was a funds check, given back once the VM runs: usage is charged by the monthly bill.
  expect(cents(after.data.organization.wallet.available.amount)).toBe(availableBefore);
});
