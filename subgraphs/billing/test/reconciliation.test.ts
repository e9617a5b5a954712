import { newId } from '@platform/kernel';
import { until } from '@platform/kernel/testing';
import { describe, expect } from 'vitest';
import type { InventoryVm } from '../src/domain/ports.ts';
import { billingTest as test } from './support/fixtures.ts';

const COST = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on VirtualMachine { id costToDate { amount } } } }`;

const vm = (organizationId: string, createdAt: string, over: Partial<InventoryVm> = {}): InventoryVm => ({
  id: newId(),
  organizationId,
  productId: null,
  status: 'RUNNING',
  powerState: 'POWERED_ON',
  vcpu: 2,
  cpuSpeed: 'STANDARD',
  memoryMib: 4096,
  diskGib: 100,
  storageTier: 'STANDARD',
  createdAt: new Date(createdAt),
  ...over,
});

describe('reconciliation against the vms inventory', () => {
  test(
    'a VM with no events is billed from its import time in its reported state; a second pass adds nothing',
    { timeout: 120_000 },
    async ({ billing, tree }) => {
      billing.setNow('2026-11-15T12:00:00Z');
      const org = billing.addCustomer(tree.resellerA);
      const running = vm(org, '2026-11-15T00:00:00Z');
      const stopped = vm(org, '2026-11-15T00:00:00Z', { status: 'STOPPED', powerState: 'POWERED_OFF' });
      billing.inventory.push(running, stopped);
      expect(await billing.subgraph.reconcile()).toEqual({ added: 2, repaired: 0 });
      expect(await billing.subgraph.reconcile()).toEqual({ added: 0, repaired: 0 });
      const r = await billing.call(
        COST,
        { reps: [running, stopped].map((v) => ({ __typename: 'VirtualMachine', id: v.id })) },
        await billing.user(org, 'BILLING'),
      );
      // 12 h running: 5.00 + 2.45 + 2.90; stopped: storage only, 2.90
      expect(r.data._entities.map((e: { costToDate: { amount: string } }) => e.costToDate.amount)).toEqual(['10.35', '2.90']);
    },
  );

  test('a missed power-off is repaired from the time the pass sees it', { timeout: 120_000 }, async ({ billing, tree }) => {
    billing.setNow('2026-11-15T12:00:00Z');
    const org = billing.addCustomer(tree.resellerB);
    const before = await billing.observationCount();
    const known = vm(org, '2026-11-15T00:00:00Z');
    await billing.publish({ vmId: known.id, organizationId: org, at: '2026-11-15T00:00:00Z' });
    await until(async () => ((await billing.observationCount()) === before + 1 ? true : undefined));
    // vms reports it stopped, but billing never got the event.
    billing.inventory.push({ ...known, status: 'STOPPED', powerState: 'POWERED_OFF' });
    expect((await billing.subgraph.reconcile()).repaired).toBe(1);
    billing.setNow('2026-11-16T00:00:00Z');
    const r = await billing.call(COST, { reps: [{ __typename: 'VirtualMachine', id: known.id }] }, await billing.user(org, 'BILLING'));
    // compute for 12 h (5.00 + 2.45), storage for 24 h (5.81)
    expect(r.data._entities[0].costToDate).toEqual({ amount: '13.26' });
  });
});
