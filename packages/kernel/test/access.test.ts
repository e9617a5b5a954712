import type { GraphQLError } from 'graphql';
import { describe, expect, test } from 'vitest';
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

test('a service token sees no organisation and holds no role: only its scopes count', async () => {
  const vms = accessOf(service);
  expect(await vms.canSee(CUSTOMER)).toBe(false);
  expect(await vms.filterVisible([PROVIDER, CUSTOMER])).toEqual([]);
  expect(await refusal(() => vms.assertCanSee(CUSTOMER))).toEqual({ code: 'NOT_FOUND', message: 'Organization not found.' });
  expect(await refusal(() => vms.assertRole(CUSTOMER, 'VIEWER', 'Quote'))).toEqual({
    code: 'FORBIDDEN',
    message: 'This needs a caller acting in an organisation.',
  });
  expect(vms.requireServiceScope('tenancy:read')).toBe(service);
  expect((await refusal(async () => vms.requireServiceScope('wallet:hold'))).code).toBe('FORBIDDEN');
});

describe('suspension', () => {
  const suspendedTree = new TestOrgTree();
  const root = suspendedTree.add(PROVIDER, 'PROVIDER');
  const reseller = suspendedTree.add(RESELLER, 'RESELLER', root);
  const customer = suspendedTree.add(CUSTOMER, 'CUSTOMER', reseller);
  const write = { write: true };
  const member = () => new Access(user(reseller, 'ADMIN'), suspendedTree);

  test('reads go on; a write on a suspended organisation, or one below it, is INVALID_STATE naming the suspended one', async () => {
    suspendedTree.setSuspended(reseller, true);
    const access = member();
    expect(await access.assertMember(customer)).toMatchObject({ org: reseller });
    expect(await refusal(() => access.assertMember(customer, 'MEMBER', write))).toEqual({
      code: 'INVALID_STATE',
      message: `Organisation ${customer} is suspended because organisation ${reseller} above it is suspended: it can still read, but cannot write or spend until it is resumed.`,
    });
    expect(await refusal(() => access.assertActive(reseller))).toEqual({
      code: 'INVALID_STATE',
      message: `Organisation ${reseller} is suspended: it can still read, but cannot write or spend until it is resumed.`,
    });
    expect((await refusal(() => access.assertRole(customer, 'MEMBER', 'Quote', write))).code).toBe('INVALID_STATE');
    await access.assertActive(root); // above the suspension: active
    suspendedTree.setSuspended(reseller, false);
    expect(await member().assertMember(customer, 'MEMBER', write)).toMatchObject({ org: reseller });
  });

  test('visibility and role come first: a foreign or under-privileged caller learns nothing about the suspension', async () => {
    suspendedTree.setSuspended(customer, true);
    expect((await refusal(() => new Access(user(root, 'VIEWER'), suspendedTree).assertMember(customer, 'MEMBER', write))).code).toBe('FORBIDDEN');
    suspendedTree.setSuspended(customer, false);
  });
});
