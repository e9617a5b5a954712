import type { GraphQLError } from 'graphql';
import { expect, test } from 'vitest';
import { TestOrgTree } from '../src/testing/index.ts';
import { Access, ANONYMOUS, type AuthenticatedCaller, type Role } from '../src/index.ts';

const tree = new TestOrgTree();
const PROVIDER = tree.add('01900000-0000-7000-8000-000000000001', 'PROVIDER');
const RESELLER = tree.add('01900000-0000-7000-8000-000000000002', 'RESELLER', PROVIDER);
const CUSTOMER = tree.add('01900000-0000-7000-8000-000000000003', 'CUSTOMER', RESELLER);
const OTHER = tree.add('01900000-0000-7000-8000-000000000004', 'CUSTOMER', PROVIDER);

const user = (org: string, role: Role): AuthenticatedCaller => ({ kind: 'authenticated', sub: `user-${role}`, typ: 'user', org, role, scopes: [], token: 't' });
const service: AuthenticatedCaller = { kind: 'authenticated', sub: 'service:vms', typ: 'service', org: null, role: null, scopes: ['tenancy:read'], token: 't' };
const accessOf = (caller: AuthenticatedCaller | typeof ANONYMOUS) => new Access(caller, tree);

async function refusal(run: () => Promise<unknown>): Promise<{ code: unknown; message: string; field?: unknown }> {
  const error = (await run().then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  )) as GraphQLError;
  const field = error.extensions['field'];
  return { code: error.extensions['code'], message: error.message, ...(field === undefined ? {} : { field }) };
}

test('assertMember returns the caller acting on an organisation in its subtree with the role', async () => {
  const admin = user(RESELLER, 'ADMIN');
  expect(await accessOf(admin).assertMember(CUSTOMER)).toBe(admin);
  expect(await accessOf(admin).assertMember(RESELLER, 'BILLING')).toBe(admin);
  expect(await accessOf(user(CUSTOMER, 'OWNER')).assertMember(CUSTOMER, 'OWNER')).toMatchObject({ org: CUSTOMER });
});

test('assertMember: outside the subtree is NOT_FOUND naming the argument, a weaker role FORBIDDEN', async () => {
  const member = accessOf(user(RESELLER, 'MEMBER'));
  expect(await refusal(() => member.assertMember(OTHER))).toEqual({
    code: 'NOT_FOUND',
    message: 'organizationId: no organisation you can see has this id.',
    field: 'organizationId',
  });
  expect(await refusal(() => member.assertMember(PROVIDER, 'MEMBER', { field: 'id', what: 'VM' }))).toEqual({
    code: 'NOT_FOUND',
    message: 'id: no VM you can see has this id.',
    field: 'id',
  });
  expect(await refusal(() => member.assertMember(CUSTOMER, 'BILLING'))).toEqual({
    code: 'FORBIDDEN',
    message: 'This needs the BILLING role; you have MEMBER.',
  });
  expect(await refusal(() => accessOf(user(CUSTOMER, 'VIEWER')).assertMember(CUSTOMER))).toEqual({
    code: 'FORBIDDEN',
    message: 'This needs the MEMBER role; you have VIEWER.',
  });
});

test('assertMember refuses the anonymous (UNAUTHENTICATED) and services, which act in no organisation (FORBIDDEN)', async () => {
  expect(await refusal(() => accessOf(ANONYMOUS).assertMember(CUSTOMER))).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in to do this.' });
  expect(await refusal(() => accessOf(service).assertMember(CUSTOMER))).toEqual({
    code: 'FORBIDDEN',
    message: 'This needs a caller acting in an organisation.',
  });
});

test('assertProviderStaff: the role or above, acting in the provider itself', async () => {
  const admin = user(PROVIDER, 'ADMIN');
  expect(await accessOf(admin).assertProviderStaff()).toBe(admin);
  expect(await accessOf(user(PROVIDER, 'OWNER')).assertProviderStaff('OWNER', 'rotate signing keys')).toMatchObject({ org: PROVIDER });
  expect(await accessOf(user(PROVIDER, 'MEMBER')).isProviderStaff('MEMBER')).toBe(true);
  expect(await accessOf(user(PROVIDER, 'MEMBER')).isProviderStaff()).toBe(false);
  expect(await accessOf(service).isProviderStaff()).toBe(false);
  expect(await accessOf(ANONYMOUS).isProviderStaff()).toBe(false);
});

test('assertProviderStaff refuses a weaker role on the provider and any role elsewhere, naming the action', async () => {
  expect(await refusal(() => accessOf(user(PROVIDER, 'MEMBER')).assertProviderStaff('ADMIN', 'adjust a wallet'))).toEqual({
    code: 'FORBIDDEN',
    message: 'Only provider staff (ADMIN on the provider) may adjust a wallet.',
  });
  expect(await refusal(() => accessOf(user(RESELLER, 'OWNER')).assertProviderStaff())).toEqual({
    code: 'FORBIDDEN',
    message: 'Only provider staff (ADMIN on the provider) may do this.',
  });
  expect(await refusal(() => accessOf(user(PROVIDER, 'ADMIN')).assertProviderStaff('OWNER', 'rotate signing keys'))).toEqual({
    code: 'FORBIDDEN',
    message: 'Only provider staff (OWNER on the provider) may rotate signing keys.',
  });
  expect((await refusal(() => accessOf(ANONYMOUS).assertProviderStaff())).code).toBe('UNAUTHENTICATED');
  expect((await refusal(() => accessOf(service).assertProviderStaff())).code).toBe('FORBIDDEN');
});
