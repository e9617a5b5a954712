import { until } from '@platform/testkit';
import { scriptedCompute } from '@platform/vms/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { VM_STATUS, walletOf } from '../support/provisioning.ts';

// Billing's clock runs `offsetMs` ahead of the wall clock: the test moves time instead of sleeping.
let offsetMs = 0;
const compute = scriptedCompute(30);
let p: TestPlatform;
let provider: string;
let protea: string;

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: compute.provider } }, billing: { options: { clock: () => new Date(Date.now() + offsetMs) } } });
  [provider, protea] = await Promise.all([p.login('ops@highveld.example'), p.login('admin@protea.example')]);
}, 180_000);
afterAll(() => p?.close());

const PROVISION = `mutation($input: ProvisionVirtualMachineInput!) { provisionVirtualMachine(input: $input) { id status licences addOns } }`;
const BY_NAME = `query($id: ID!, $search: String!) { organization(id: $id) { virtualMachines(filter: { search: $search }) { edges { node { id } } } } }`;
const CURRENT = `query($id: ID!, $after: String) { organization(id: $id) { currentBill {
  lines(first: 100, after: $after) { edges { node { virtualMachine { id } product { sku } description quantity unit unitPrice { amount } } }
    pageInfo { hasNextPage endCursor } } } } }`;

interface Line {
  readonly virtualMachine: { readonly id: string };
  readonly product: { readonly sku: string };
  readonly description: string;
  readonly unit: string;
  readonly unitPrice: { readonly amount: string };
}

/** One VM's lines of its organisation's current bill (the demo fleet's come first: page through them). */
async function currentLinesOf(organizationId: string, vmId: string, token: string): Promise<Line[]> {
  const own: Line[] = [];
  let after: string | null = null;
  for (;;) {
    const variables: Record<string, unknown> = { id: organizationId, after };
    const r = await p.gateway(CURRENT, variables, token);
    const lines: { edges: { node: Line }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | undefined =
      r.data?.organization?.currentBill?.lines;
    if (!lines) return own;
    own.push(...lines.edges.map((e) => e.node).filter((l) => l.virtualMachine.id === vmId));
    if (!lines.pageInfo.hasNextPage) return own;
    after = lines.pageInfo.endCursor;
  }
}

test(
  'through the gateway and the real catalog: a Windows VM with an add-on carries LIC-WIN-SRV and ADD-BACKUP, its hold covers them, and billing bills them',
  { timeout: 180_000 },
  async () => {
    const product = (await p.gateway('{ productBySku(sku: "VM-GP-2C8G") { id } }', {}, protea)).data.productBySku;
    const input = {
      organizationId: DEMO_ORGS.protea,
      name: 'licensed-win-01',
      productId: product.id,
      guestOs: 'WINDOWS_SERVER_2022',
      addOns: ['ADD-BACKUP'],
      idempotencyKey: 'licences-e2e-1',
    };
    const r = await p.gateway(PROVISION, { input }, protea);
    expect(r.errors).toBeUndefined();
    const vm = r.data.provisionVirtualMachine;
    expect(vm).toMatchObject({ licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP'] });
    await until(async () => ((await p.gateway(VM_STATUS, { id: vm.id }, protea)).data.virtualMachine.status === 'RUNNING' ? true : undefined), 60_000);
    // The VM size's 794.00 a month, the licence's 89.00 and the backup's 45.00.
    const wallet = await walletOf(p, provider, DEMO_ORGS.protea);
    expect(wallet.holds.filter((h) => h.reference === `vm:${vm.id}`).map((h) => h.amount.amount)).toEqual(['928.00']);

    offsetMs = 3_600_000;
    // Billing may first know only the PROVISIONING event (nothing billed yet): wait for the RUNNING usage.
    const lines = await until(async () => {
      const own = await currentLinesOf(DEMO_ORGS.protea, vm.id, protea);
      return own.length === 5 ? own : undefined;
    }, 90_000);
    expect(lines.map((l) => [l.product.sku, l.description, l.unit, l.unitPrice.amount])).toEqual([
      ['ADD-BACKUP', 'Add-on ADD-BACKUP', 'add-on', '45.00'],
      ['CPU-STD-VCPU', 'vCPU, 2.0 GHz', 'vCPU', '155.00'],
      ['LIC-WIN-SRV', 'Licence LIC-WIN-SRV', 'licence', '89.00'],
      ['RAM-GIB', 'RAM', 'GiB', '38.00'],
      ['STO-STD-100G', 'Storage, standard', '100 GiB block', '180.00'],
    ]);
  },
);

test(
  'an unknown SKU or one of the wrong kind is BAD_USER_INPUT naming the entry, from the real catalog; nothing is created or held',
  { timeout: 60_000 },
  async () => {
    const before = await walletOf(p, provider, DEMO_ORGS.protea);
    const cases: [Record<string, unknown>, string][] = [
      [{ licences: ['LIC-NOPE'] }, 'input.licences[0]: no LICENCE product has SKU LIC-NOPE.'],
      [{ addOns: ['ADD-MONITOR', 'LIC-WIN-SRV'] }, 'input.addOns[1]: no ADD_ON product has SKU LIC-WIN-SRV.'],
      [{ licences: ['ADD-BACKUP'] }, 'input.licences[0]: no LICENCE product has SKU ADD-BACKUP.'],
      [{ licences: ['VM-GP-2C8G'] }, 'input.licences[0]: no LICENCE product has SKU VM-GP-2C8G.'],
    ];
    for (const [extras, message] of cases) {
      const input = {
        organizationId: DEMO_ORGS.protea,
        name: 'never-licensed',
        spec: { vcpu: 1, memoryGib: 2, diskGib: 40 },
        guestOs: 'UBUNTU_64',
        idempotencyKey: `licences-bad-${message.length}-${JSON.stringify(extras).length}`,
        ...extras,
      };
      const r = await p.gateway(PROVISION, { input }, protea);
      expect(
        r.errors?.map((e) => [e.extensions?.['code'], e.message]),
        message,
      ).toEqual([['BAD_USER_INPUT', message]]);
    }
    const found = await p.gateway(BY_NAME, { id: DEMO_ORGS.protea, search: 'never-licensed' }, protea);
    expect(found.data.organization.virtualMachines.edges).toEqual([]);
    expect((await walletOf(p, provider, DEMO_ORGS.protea)).holds).toHaveLength(before.holds.length);
  },
);
