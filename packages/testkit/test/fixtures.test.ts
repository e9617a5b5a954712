import { expect } from 'vitest';
import { orgTest, tokenAs } from '../src/index.ts';

let firstTreeIds: readonly string[] = [];

orgTest('the standard tree: provider → two resellers with a customer each, and a direct customer', async ({ tree }) => {
  firstTreeIds = tree.all;
  const nodes = await tree.directory.lookup(tree.all);
  expect(nodes.size).toBe(6);
  expect(nodes.get(tree.provider)).toEqual({ id: tree.provider, kind: 'PROVIDER', ancestors: [], status: 'ACTIVE', suspendedBy: null });
  expect(nodes.get(tree.resellerA)).toEqual({ id: tree.resellerA, kind: 'RESELLER', ancestors: [tree.provider], status: 'ACTIVE', suspendedBy: null });
  expect(nodes.get(tree.customerA)).toEqual({
    id: tree.customerA,
    kind: 'CUSTOMER',
    ancestors: [tree.provider, tree.resellerA],
    status: 'ACTIVE',
    suspendedBy: null,
  });
  expect(nodes.get(tree.customerB)).toEqual({
    id: tree.customerB,
    kind: 'CUSTOMER',
    ancestors: [tree.provider, tree.resellerB],
    status: 'ACTIVE',
    suspendedBy: null,
  });
  expect(nodes.get(tree.directCustomer)).toEqual({
    id: tree.directCustomer,
    kind: 'CUSTOMER',
    ancestors: [tree.provider],
    status: 'ACTIVE',
    suspendedBy: null,
  });
});

orgTest('tokenAs signs a user token the kernel verifier accepts, acting in the org with the role', async ({ auth, tree }) => {
  const token = await tokenAs(auth, tree.customerA, 'VIEWER', { sub: '01935c00-0000-7000-8000-00000000abcd' });
  const caller = await auth.verifyToken(token);
  expect(caller).toMatchObject({ kind: 'authenticated', typ: 'user', sub: '01935c00-0000-7000-8000-00000000abcd', org: tree.customerA, role: 'VIEWER' });
});

orgTest('one tree per file: a later test sees the same six distinct ids', async ({ tree }) => {
  expect(firstTreeIds).toHaveLength(6);
  expect(tree.all).toEqual(firstTreeIds);
  expect(new Set(tree.all).size).toBe(6);
});
