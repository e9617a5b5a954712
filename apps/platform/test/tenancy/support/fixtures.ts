import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { StatementCounter } from '@platform/kernel/testing';
import { gql, type GraphQLResponse } from '@platform/testkit';
import type { TestPlatform } from '../../../src/test-platform.ts';
import { platformTest } from '../../support/platform-fixture.ts';

/** A demo user's access token, acting in its first organisation or in `organizationId`. */
export type TokenOf = (email: string, organizationId?: string) => Promise<string>;

/**
 * Tenancy is tested through the whole platform (identity signs the tokens, the gateway composes):
 * one platform per file, with the demo dataset, and each demo user logged in once per file
 * (logging in costs a scrypt hash).
 */
export const tenancyTest = platformTest.extend<{ token: TokenOf }>({
  token: [
    async ({ platform }, use) => {
      const tokens = new Map<string, Promise<string>>();
      await use((email, organizationId) => {
        const key = `${email}|${organizationId ?? ''}`;
        if (!tokens.has(key)) tokens.set(key, platform.login(email, organizationId));
        return tokens.get(key)!;
      });
    },
    { scope: 'file' },
  ],
});

export const PROVIDER_OWNER = 'ops@highveld.example';
export const KAROO_ADMIN = 'admin@karoo.example';

/** A name no other test uses, so tests that create organisations stay independent. */
export const uniqueName = (prefix: string): string => `${prefix} ${randomBytes(4).toString('hex')}`;

/** Asserts exactly one error with this code (and `extensions.field` when given); returns it. */
export function expectError(r: GraphQLResponse<unknown>, code: string, field?: string) {
  expect(r.errors, JSON.stringify(r.errors)).toHaveLength(1);
  const error = r.errors![0]!;
  expect(error.extensions?.['code'], error.message).toBe(code);
  if (field !== undefined) expect(error.extensions?.['field']).toBe(field);
  return error;
}

/** The data of a response that must have succeeded. */
export function ok<D>(r: GraphQLResponse<D>): D {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as D;
}

const CREATE = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id kind name status parent { id } } }`;

export interface CreatedOrg {
  id: string;
  kind: string;
  name: string;
  status: string;
  parent: { id: string } | null;
}

export function createOrganizationRequest(p: TestPlatform, token: string, input: { kind: string; name: string; parentId: string }) {
  return p.gateway<{ createOrganization: CreatedOrg }>(CREATE, { input }, token);
}

/** Creates an organisation through the gateway and returns it (fails the test on any error). */
export async function createOrg(p: TestPlatform, token: string, kind: 'RESELLER' | 'CUSTOMER', parentId: string, name = uniqueName(kind)) {
  return ok(await createOrganizationRequest(p, token, { kind, name, parentId })).createOrganization;
}

/** Creates `n` customers under `parentId` in a few requests (aliased mutations run one after another). */
export async function createChildren(p: TestPlatform, token: string, parentId: string, n: number, prefix = 'Child'): Promise<string[]> {
  const ids: string[] = [];
  // In mutations of at most 50 aliased fields: subgraphs refuse more than 60 aliases (the kernel's second wall).
  for (let start = 0; start < n; start += 50) {
    const batch = Array.from({ length: Math.min(50, n - start) }, (_, j) => start + j);
    const fields = batch.map(
      (i) => `c${i}: createOrganization(input: { kind: CUSTOMER, name: "${prefix} ${String(i).padStart(3, '0')}", parentId: "${parentId}" }) { id }`,
    );
    const data = ok(await gql<Record<string, { id: string }>>(p.urls.tenancy, `mutation { ${fields.join('\n')} }`, {}, { token }));
    ids.push(...batch.map((i) => data[`c${i}`]!.id));
  }
  return ids;
}

/** How many organisations exist, as the provider sees them (everything). */
export async function organizationCount(p: TestPlatform, providerToken: string): Promise<number> {
  return ok(await p.gateway<{ organizations: { totalCount: number } }>('{ organizations { totalCount } }', {}, providerToken)).organizations.totalCount;
}

/** SQL statements `run` caused (background work such as the outbox relay is not counted by the kernel). */
export async function statementsDuring(counter: StatementCounter, run: () => Promise<unknown>): Promise<string[]> {
  counter.reset();
  await run();
  return [...counter.statements];
}

export const ENTITIES_QUERY = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organization { id name } } }';

/** `_entities` straight at the tenancy subgraph, the way the gateway asks for Organization references. */
export function organizationEntities(p: TestPlatform, ids: readonly string[], token?: string) {
  return gql<{ _entities: ({ id: string; name: string } | null)[] }>(
    p.urls.tenancy,
    ENTITIES_QUERY,
    { representations: ids.map((id) => ({ __typename: 'Organization', id })) },
    token ? { token } : {},
  );
}
