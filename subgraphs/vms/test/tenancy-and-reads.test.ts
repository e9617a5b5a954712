import { newId } from '@platform/kernel';
import { codesOf } from '@platform/testkit';
import { describe, expect } from 'vitest';
import { insertEvents } from '../src/db/event-repository.ts';
import type { Vm } from '../src/domain/vm.ts';
import { vmsTest, type RunningVms, type VmsOrg } from './support/fixtures.ts';

/** VMs of customer A, its sibling A2 (stopped, deleted and an unreported spec among them) and customer B. */
const test = vmsTest.extend<{ fleet: { vmA: Vm[]; vmA2: Vm[]; vmB: Vm[] } }>({
  fleet: [
    async ({ vms: h }, use) => {
      const vmA = await h.addVms(h.orgs.customerA, 12);
      const vmA2 = [
        ...(await h.addVms(h.orgs.customerA2, 3, {
          status: 'STOPPED',
          powerState: 'POWERED_OFF',
          spec: { vcpu: 4, cpuSpeed: 'STANDARD', memoryMib: 8192, diskGib: 1024, storageTier: 'PREMIUM' },
        })),
        ...(await h.addVms(h.orgs.customerA2, 1, { status: 'DELETED', powerState: 'POWERED_OFF' })),
        ...(await h.addVms(h.orgs.customerA2, 1, {
          name: 'legacy-db',
          spec: { vcpu: null, cpuSpeed: 'STANDARD', memoryMib: null, diskGib: 50, storageTier: 'STANDARD' },
        })),
      ];
      await use({ vmA, vmA2, vmB: await h.addVms(h.orgs.customerB, 2) });
    },
    { scope: 'file', auto: true },
  ],
});

const ENTITIES =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on VirtualMachine { id name } ... on Organization { id virtualMachines(first: 100) { edges { node { id } } } resourceSummary { vmCount } } } }';

describe('who sees a VM (customer A1 VM): virtualMachine(id) and _entities', () => {
  const cases: [string, VmsOrg, boolean][] = [
    ['provider', 'provider', true],
    ['its reseller', 'resellerA', true],
    ['the customer itself', 'customerA', true],
    ['a sibling customer', 'customerA2', false],
    ['another reseller', 'resellerB', false],
    ["another reseller's customer", 'customerB', false],
    ['a direct customer of the provider', 'directCustomer', false],
  ];
  for (const [who, org, sees] of cases) {
    test(`${who}: ${sees ? 'sees it' : 'gets null'}`, async ({ vms: h, fleet }) => {
      const token = await h.user(h.orgs[org], 'VIEWER');
      const vm = fleet.vmA[0]!;
      const direct = await h.call('query($id: ID!) { virtualMachine(id: $id) { id name } }', { id: vm.id }, token);
      expect(direct.errors).toBeUndefined();
      expect(direct.data.virtualMachine).toEqual(sees ? { id: vm.id, name: vm.name } : null);
      const entities = await h.call(ENTITIES, { representations: [{ __typename: 'VirtualMachine', id: vm.id }] }, token);
      expect(entities.errors).toBeUndefined();
      expect(entities.data._entities).toEqual([sees ? { id: vm.id, name: vm.name } : null]);
      const org_ = await h.call(ENTITIES, { representations: [{ __typename: 'Organization', id: h.orgs.customerA }] }, token);
      const orgEntity = org_.data._entities[0];
      if (sees) {
        expect(orgEntity.virtualMachines.edges).toHaveLength(12);
        expect(orgEntity.resourceSummary).toEqual({ vmCount: 12 });
      } else {
        expect(orgEntity).toEqual({ id: h.orgs.customerA, virtualMachines: null, resourceSummary: null });
      }
    });
  }

  test('anonymous callers are refused; a service token sees no VM (no scope names it); malformed ids are null in _entities', async ({
    vms: h,
    fleet,
    auth,
  }) => {
    expect(codesOf(await h.call('query($id: ID!) { virtualMachine(id: $id) { id } }', { id: fleet.vmA[0]!.id }))).toEqual(['UNAUTHENTICATED']);
    const anonymous = await h.call(ENTITIES, { representations: [{ __typename: 'VirtualMachine', id: fleet.vmA[0]!.id }] });
    expect(anonymous.data._entities).toEqual([null]);
    const service = await auth.serviceToken('billing', ['tenancy:read']);
    const all = await h.call(
      ENTITIES,
      { representations: [fleet.vmA[0]!, fleet.vmB[0]!, { id: 'nope' }].map((v) => ({ __typename: 'VirtualMachine', id: v.id })) },
      service,
    );
    expect(all.data._entities).toEqual([null, null, null]);
    // As an argument, though, a malformed id is the caller's mistake and named as such.
    const malformed = await h.call('query($id: ID!) { virtualMachine(id: $id) { id } }', { id: 'nope' }, service);
    expect(codesOf(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors![0]!.extensions?.['field']).toBe('id');
  });
});

describe('fleet reads', () => {
  const PAGE = `query($representations: [_Any!]!, $first: Int, $after: String, $scope: OrganizationScope, $orderBy: VirtualMachineOrder, $filter: VirtualMachineFilter) {
    _entities(representations: $representations) { ... on Organization {
      virtualMachines(first: $first, after: $after, scope: $scope, orderBy: $orderBy, filter: $filter) { edges { cursor node { id name status } } pageInfo { hasNextPage endCursor } }
      resourceSummary(scope: $scope) { vmCount running vcpuTotal memoryGib diskTib specUnknown }
    } } }`;
  const page = async (h: RunningVms, orgId: string, vars: Record<string, unknown>, token: string) => {
    const r = await h.call(PAGE, { representations: [{ __typename: 'Organization', id: orgId }], ...vars }, token);
    expect(r.errors).toBeUndefined();
    return r.data._entities[0] as {
      virtualMachines: {
        edges: { cursor: string; node: { id: string; name: string; status: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      resourceSummary: Record<string, number>;
    };
  };

  test('pages newest first with cursors, and by name; the pages join up without gaps or repeats', async ({ vms: h, fleet }) => {
    const token = await h.user(h.orgs.customerA, 'VIEWER');
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await page(h, h.orgs.customerA, { first: 5, after }, token);
      seen.push(...p.virtualMachines.edges.map((e) => e.node.id));
      if (!p.virtualMachines.pageInfo.hasNextPage) break;
      after = p.virtualMachines.pageInfo.endCursor;
    }
    expect(seen).toEqual([...fleet.vmA].reverse().map((v) => v.id));
    const byName = await page(h, h.orgs.customerA, { first: 4, orderBy: 'NAME_ASC' }, token);
    const next = await page(h, h.orgs.customerA, { first: 100, orderBy: 'NAME_ASC', after: byName.virtualMachines.pageInfo.endCursor }, token);
    const names = [...byName.virtualMachines.edges, ...next.virtualMachines.edges].map((e) => e.node.name);
    expect(names).toEqual(fleet.vmA.map((v) => v.name).sort());
  });

  test('SUBTREE: a reseller sees its customers\u2019 fleets in one page and one total; SELF only its own', async ({ vms: h, fleet }) => {
    const token = await h.user(h.orgs.resellerA, 'VIEWER');
    const subtree = await page(h, h.orgs.resellerA, { first: 100, scope: 'SUBTREE' }, token);
    expect(new Set(subtree.virtualMachines.edges.map((e) => e.node.id))).toEqual(
      new Set([...fleet.vmA, ...fleet.vmA2].filter((v) => v.status !== 'DELETED').map((v) => v.id)),
    );
    const deleted = await page(h, h.orgs.resellerA, { scope: 'SUBTREE', filter: { status: ['DELETED'] } }, token);
    expect(deleted.virtualMachines.edges.map((e) => e.node.id)).toEqual(fleet.vmA2.filter((v) => v.status === 'DELETED').map((v) => v.id));
    // DELETED VMs are neither listed (unless asked for) nor counted; an unreported spec is counted apart.
    expect(subtree.resourceSummary).toEqual({
      vmCount: 16,
      running: 13,
      vcpuTotal: 12 * 2 + 3 * 4,
      memoryGib: (12 * 4096 + 3 * 8192) / 1024,
      diskTib: 4.22 /* (12×100 + 3×1024 + 50) GiB */,
      specUnknown: 1,
    });
    const self = await page(h, h.orgs.resellerA, { first: 100, scope: 'SELF' }, token);
    expect(self.virtualMachines.edges).toEqual([]);
    expect(self.resourceSummary).toEqual({ vmCount: 0, running: 0, vcpuTotal: 0, memoryGib: 0, diskTib: 0, specUnknown: 0 });
    const provider = await page(h, h.orgs.provider, { first: 100, scope: 'SUBTREE' }, await h.user(h.orgs.provider, 'VIEWER'));
    expect(provider.resourceSummary['vmCount']).toBe(18);
    // A customer cannot widen its view by asking for its reseller's subtree.
    const r = await h.call(
      PAGE,
      { representations: [{ __typename: 'Organization', id: h.orgs.resellerA }], scope: 'SUBTREE' },
      await h.user(h.orgs.customerA, 'OWNER'),
    );
    expect(r.data._entities[0]).toEqual({ virtualMachines: null, resourceSummary: null });
  });

  test('filters: status, power state, name search (wildcards are literal)', async ({ vms: h }) => {
    const token = await h.user(h.orgs.customerA2, 'VIEWER');
    const stopped = await page(h, h.orgs.customerA2, { filter: { status: ['STOPPED'] } }, token);
    expect(stopped.virtualMachines.edges.map((e) => e.node.status)).toEqual(['STOPPED', 'STOPPED', 'STOPPED']);
    const on = await page(h, h.orgs.customerA2, { filter: { powerState: ['POWERED_ON'] } }, token);
    expect(on.virtualMachines.edges.map((e) => e.node.name)).toEqual(['legacy-db']);
    const search = await page(h, h.orgs.customerA2, { filter: { search: 'LEGACY' } }, token);
    expect(search.virtualMachines.edges.map((e) => e.node.name)).toEqual(['legacy-db']);
    const wildcard = await page(h, h.orgs.customerA2, { filter: { search: '%' } }, token);
    expect(wildcard.virtualMachines.edges).toEqual([]);
  });

  test('bad page arguments name the field', async ({ vms: h }) => {
    const token = await h.user(h.orgs.customerA, 'VIEWER');
    for (const [vars, field] of [
      [{ first: 101 }, 'first'],
      [{ first: 0 }, 'first'],
      [{ after: 'garbage' }, 'after'],
      [{ after: Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url') }, 'after'],
    ] as const) {
      const r = await h.call(PAGE, { representations: [{ __typename: 'Organization', id: h.orgs.customerA }], ...vars }, token);
      expect(codesOf(r)).toContain('BAD_USER_INPUT');
      expect(r.errors![0]!.extensions?.['field']).toBe(field);
    }
  });

  test('statements: a page of 10 and a page of 100 (with product, organization and events) cost the same; many VM references cost one', async ({
    vms: h,
    fleet,
  }) => {
    const product = '01935c00-0000-7000-8000-00000000cafe';
    const direct = await h.addVms(h.orgs.directCustomer, 100, { productId: product });
    // One history line per VM, so every page also has events to load.
    await insertEvents(
      h.db,
      direct.map((vm, i) => ({
        id: newId(),
        vmId: vm.id,
        organizationId: vm.organizationId,
        kind: 'POWERED_ON' as const,
        fromStatus: 'STOPPED' as const,
        toStatus: 'RUNNING' as const,
        actor: `user-${i}`,
        detail: null,
        at: new Date(Date.UTC(2026, 1, 1, 0, 0, i)),
      })),
    );
    const NESTED = `query($representations: [_Any!]!, $first: Int) { _entities(representations: $representations) { ... on Organization {
      virtualMachines(first: $first) { edges { node { id name product { id } organization { id } events(first: 5) { edges { node { kind fromStatus toStatus actor } } } } } }
    } } }`;
    const token = await h.user(h.orgs.provider, 'VIEWER');
    const newestFirst = [...direct].reverse();
    const count = async (first: number) => {
      h.statements.reset();
      const r = await h.call(NESTED, { representations: [{ __typename: 'Organization', id: h.orgs.directCustomer }], first }, token);
      const statements = h.statements.count;
      expect(r.errors).toBeUndefined();
      const edges = r.data._entities[0].virtualMachines.edges as { node: unknown }[];
      expect(edges).toHaveLength(first);
      expect(edges.map((e) => e.node)).toEqual(
        newestFirst.slice(0, first).map((vm) => ({
          id: vm.id,
          name: vm.name,
          product: { id: product },
          organization: { id: h.orgs.directCustomer },
          events: { edges: [{ node: { kind: 'POWERED_ON', fromStatus: 'STOPPED', toStatus: 'RUNNING', actor: `user-${direct.indexOf(vm)}` } }] },
        })),
      );
      return statements;
    };
    const ten = await count(10);
    const hundred = await count(100);
    expect(hundred, h.statements.statements.join('\n')).toBe(ten);
    // One statement for the page of VMs, one for all their events; product and organization are references (no statement).
    expect(ten, h.statements.statements.join('\n')).toBe(2);
    h.statements.reset();
    const r = await h.call(ENTITIES, { representations: [...fleet.vmA, ...fleet.vmB].map((v) => ({ __typename: 'VirtualMachine', id: v.id })) }, token);
    expect(h.statements.count).toBe(1);
    expect(r.errors).toBeUndefined();
    expect(r.data._entities).toEqual([...fleet.vmA, ...fleet.vmB].map((v) => ({ id: v.id, name: v.name })));
  });
});
