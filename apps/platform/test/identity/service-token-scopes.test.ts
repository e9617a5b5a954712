import { codesOf, gql } from '@platform/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import type { CallingService } from '../../src/start-platform.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

// A service token is only good for what its scopes name (DESIGN §4): it sees no organisation and
// holds no role, so every public operation refuses it and every public read shows it nothing.

let p: TestPlatform;
let quoteId: string;
beforeAll(async () => {
  p = await startTestPlatform();
  const dev = await p.login('dev@protea.example');
  const created = await p.gateway(
    'mutation($o: ID!) { createQuote(organizationId: $o, lines: [{ spec: { vcpu: 2, memoryGib: 4, diskGib: 100 }, quantity: 1, months: 1 }]) { id status } }',
    { o: DEMO_ORGS.protea },
    dev,
  );
  expect(created.errors).toBeUndefined();
  quoteId = created.data.createQuote.id;
});
afterAll(() => p?.close());

async function serviceToken(service: CallingService, scopes: string[]): Promise<string> {
  const response = await fetch(new URL('/internal/service-token', p.urls.identity), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${p.serviceSecrets[service]}` },
    body: JSON.stringify({ service, scopes }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

const count = async (db: TestPlatform['tenancy']['db'] | TestPlatform['wallet']['db'], table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);

const CREATE_ORG = 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }';
const ACCEPT = 'mutation($id: ID!) { acceptQuote(id: $id) { id status } }';
const TOP_UP = 'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { amount { amount } } }';
const PROVISION = 'mutation($i: ProvisionVirtualMachineInput!) { provisionVirtualMachine(input: $i) { id } }';
const WALLET = 'query($id: ID!) { organization(id: $id) { id wallet { balance { amount } } } }';
const WALLET_ENTITY = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { wallet { id balance { amount } } } } }';
const QUOTE = 'query($id: ID!) { quote(id: $id) { id status } }';

describe('a service token minted for tenancy with no scopes', () => {
  test('cannot create organisations, accept quotes, top up or provision (FORBIDDEN), and nothing is written', async () => {
    const token = await serviceToken('tenancy', []);
    const [orgs, transfers, quotesAccepted] = [
      await count(p.tenancy.db, 'organizations'),
      await count(p.wallet.db, 'transfers'),
      (await sql<{ n: string }>`select count(*) as n from quotes where status = 'ACCEPTED'`.execute(p.catalog.db)).rows[0]!.n,
    ];
    const createOrg = { i: { kind: 'CUSTOMER', name: 'Rogue Holdings', parentId: DEMO_ORGS.karoo } };
    const topUp = { i: { organizationId: DEMO_ORGS.protea, amount: '1000000.00', paymentReference: 'rogue', idempotencyKey: 'rogue-1' } };
    const provision = {
      i: {
        organizationId: DEMO_ORGS.protea,
        name: 'rogue-01',
        spec: { vcpu: 1, memoryGib: 1, diskGib: 20 },
        guestOs: 'UBUNTU_64',
        idempotencyKey: 'rogue-vm-1',
      },
    };
    // Through the gateway, and at each subgraph directly (which verifies the token again).
    for (const [url, query, vars] of [
      [p.gatewayUrl, CREATE_ORG, createOrg],
      [p.urls.tenancy, CREATE_ORG, createOrg],
      [p.gatewayUrl, ACCEPT, { id: quoteId }],
      [p.urls.catalog, ACCEPT, { id: quoteId }],
      [p.gatewayUrl, TOP_UP, topUp],
      [p.urls.wallet, TOP_UP, topUp],
      [p.gatewayUrl, PROVISION, provision],
      [p.urls.vms, PROVISION, provision],
    ] as const) {
      const r = await gql(url, query, vars, { token });
      expect({ url, query, codes: codesOf(r) }).toEqual({ url, query, codes: ['FORBIDDEN'] });
    }
    expect(await count(p.tenancy.db, 'organizations')).toBe(orgs);
    expect(await count(p.wallet.db, 'transfers')).toBe(transfers);
    expect((await sql<{ n: string }>`select count(*) as n from quotes where status = 'ACCEPTED'`.execute(p.catalog.db)).rows[0]!.n).toBe(quotesAccepted);
    expect(Number((await sql<{ n: string }>`select count(*) as n from virtual_machines where name = 'rogue-01'`.execute(p.vms.db)).rows[0]!.n)).toBe(0);
  });

  test('reads no wallet, organisation or quote: FORBIDDEN through the gateway, null entities at the subgraph', async () => {
    for (const token of [await serviceToken('tenancy', []), await serviceToken('vms', ['tenancy:read', 'catalog:price', 'wallet:hold'])]) {
      // Issue 13: the gateway refuses it before any lookup (a service holds no organizations:read scope), whatever the id.
      const viaGateway = await p.gateway(WALLET, { id: DEMO_ORGS.protea }, token);
      expect(codesOf(viaGateway)).toEqual(['FORBIDDEN']);
      expect(viaGateway.errors?.[0]?.extensions?.['field']).toBe('Query.organization');
      expect(viaGateway.data?.organization ?? null).toBeNull();
      const entities = await gql(
        p.urls.wallet,
        WALLET_ENTITY,
        { r: [DEMO_ORGS.protea, DEMO_ORGS.provider].map((id) => ({ __typename: 'Organization', id })) },
        { token },
      );
      expect(entities.errors).toBeUndefined();
      expect(entities.data._entities).toEqual([{ wallet: null }, { wallet: null }]);
      const quote = await gql(p.urls.catalog, QUOTE, { id: quoteId }, { token });
      expect(quote.data?.quote ?? null).toBeNull();
    }
    // The quote is untouched, and its owner still sees it.
    const dev = await p.login('dev@protea.example');
    expect((await p.gateway(QUOTE, { id: quoteId }, dev)).data.quote).toEqual({ id: quoteId, status: 'DRAFT' });
  });

  test('the internal reads a service is given still answer, only with their scope', async () => {
    const NODES = 'query($ids: [ID!]!) { internalOrganizationNodes(ids: $ids) { id status } }';
    expect(codesOf(await gql(p.urls.tenancy, NODES, { ids: [DEMO_ORGS.protea] }, { token: await serviceToken('tenancy', []) }))).toEqual(['FORBIDDEN']);
    const withScope = await gql(p.urls.tenancy, NODES, { ids: [DEMO_ORGS.protea] }, { token: await serviceToken('wallet', ['tenancy:read']) });
    expect(withScope.data.internalOrganizationNodes).toEqual([{ id: DEMO_ORGS.protea, status: 'ACTIVE' }]);
  });
});
