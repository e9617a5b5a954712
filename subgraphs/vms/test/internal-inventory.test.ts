import { codesOf } from '@platform/testkit';
import { expect } from 'vitest';
import { vmsTest as test } from './support/fixtures.ts';

const INVENTORY = `query($first: Int!, $after: ID) { internalInventory(first: $first, after: $after) { id organizationId status powerState vcpu memoryMib diskGib createdAt } }`;

test('internalInventory pages the whole inventory (DELETED included) in id order for vms:read only', { timeout: 120_000 }, async ({ vms, auth }) => {
  const live = await vms.addVms(vms.orgs.customerA, 2);
  const gone = await vms.addVms(vms.orgs.customerB, 1, { status: 'DELETED', powerState: 'POWERED_OFF' });
  const all = [...live, ...gone].map((v) => v.id).sort();
  const token = await auth.serviceToken('billing', ['vms:read']);
  const first = await vms.call(INVENTORY, { first: 2 }, token);
  expect(first.errors).toBeUndefined();
  const seen: string[] = first.data.internalInventory.map((v: { id: string }) => v.id);
  const rest = await vms.call(INVENTORY, { first: 1000, after: seen.at(-1) }, token);
  seen.push(...rest.data.internalInventory.map((v: { id: string }) => v.id));
  expect(seen.filter((id) => all.includes(id))).toEqual(all);
  const deleted = [...first.data.internalInventory, ...rest.data.internalInventory].find((v: { id: string }) => v.id === gone[0]!.id);
  expect(deleted).toMatchObject({ organizationId: vms.orgs.customerB, status: 'DELETED', powerState: 'POWERED_OFF', vcpu: 2, memoryMib: 4096, diskGib: 100 });

  expect(codesOf(await vms.call(INVENTORY, { first: 10 }, await vms.user(vms.orgs.provider, 'OWNER')))).toEqual(['FORBIDDEN']);
  expect(codesOf(await vms.call(INVENTORY, { first: 10 }, await auth.serviceToken('billing', ['catalog:price'])))).toEqual(['FORBIDDEN']);
  const bad = await vms.call(INVENTORY, { first: 0 }, token);
  expect(bad.errors?.[0]?.message).toBe('first: must be between 1 and 1000.');
  expect(codesOf(await vms.call(INVENTORY, { first: 5, after: 'nope' }, token))).toEqual(['BAD_USER_INPUT']);
});
