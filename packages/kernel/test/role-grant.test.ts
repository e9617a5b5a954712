import type { GraphQLError } from 'graphql';
import { expect, test } from 'vitest';
import { TestOrgTree } from '../src/testing/index.ts';
import { Access, assertMayGrant, type AuthenticatedCaller, type Role } from '../src/index.ts';

const tree = new TestOrgTree();
const PROVIDER = tree.add('01900000-0000-7000-8000-000000000001', 'PROVIDER');
const CUSTOMER = tree.add('01900000-0000-7000-8000-000000000002', 'CUSTOMER', PROVIDER);
const OTHER = tree.add('01900000-0000-7000-8000-000000000003', 'CUSTOMER', PROVIDER);

const accessAs = (org: string, role: Role) =>
  new Access({ kind: 'authenticated', sub: `user-${role}`, typ: 'user', org, role, scopes: [], token: 't' } satisfies AuthenticatedCaller, tree);
const codeOf = (run: Promise<unknown>) =>
  run.then(
    () => 'granted',
    (e: GraphQLError) => e.extensions['code'],
  );

test('an ADMIN grants roles it holds itself; an OWNER grants any role', async () => {
  for (const role of ['ADMIN', 'MEMBER', 'VIEWER', 'BILLING'] as const)
    expect(await codeOf(assertMayGrant(accessAs(CUSTOMER, 'ADMIN'), CUSTOMER, role))).toBe('granted');
  expect(await codeOf(assertMayGrant(accessAs(PROVIDER, 'OWNER'), CUSTOMER, 'OWNER'))).toBe('granted');
});

test('a role above the caller, a caller below ADMIN, or an organisation out of sight is refused', async () => {
  await expect(assertMayGrant(accessAs(CUSTOMER, 'ADMIN'), CUSTOMER, 'OWNER')).rejects.toThrow('A ADMIN cannot grant the OWNER role.');
  expect(await codeOf(assertMayGrant(accessAs(CUSTOMER, 'MEMBER'), CUSTOMER, 'VIEWER'))).toBe('FORBIDDEN');
  await expect(assertMayGrant(accessAs(CUSTOMER, 'OWNER'), OTHER, 'VIEWER', { field: 'input.organizationId' })).rejects.toMatchObject({
    extensions: { code: 'NOT_FOUND', field: 'input.organizationId' },
  });
});
