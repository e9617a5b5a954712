import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { dataOf, firstError, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';
import { ACCEPT_QUOTE, CREATE_QUOTE, EXPIRE_QUOTE, GET_QUOTE } from './support/quote-queries.ts';

type QuoteEdge = { node: { id: string; status: string } };

let h: CatalogHarness;
let ramId: string;
let c1Quote: string; // a draft of customer 1 (under reseller 1)
let c2Quote: string; // a draft of customer 2 (under reseller 2)

const lines = () => [{ productId: ramId, quantity: 1, months: 1 }];
const create = (token: string, org: string) => h.gql(token, CREATE_QUOTE, { org, lines: lines() });
const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Quote { id total { amount } }
  ... on Organization { id quotes(first: 10) { edges { node { id } } } }
  ... on Product { id sku }
} }`;
const entities = (token: string | null, representations: unknown[]) => h.gql(token, ENTITIES, { representations });

test.beforeAll(async ({ catalog }) => {
  h = catalog;
  ramId = dataOf(await h.gql(h.tokens.c1Member, '{ productBySku(sku: "RAM-GIB") { id } }')).productBySku.id;
  c1Quote = dataOf(await create(h.tokens.c1Member, h.tree.customerA)).createQuote.id;
  c2Quote = dataOf(await create(h.tokens.c2Member, h.tree.customerB)).createQuote.id;
});

describe('a malformed id is bad input naming the argument, wherever it is given', () => {
  test('product, quote, acceptQuote, expireQuote and updateProduct say `id: must be a UUID.`; a well-formed unknown id stays null', async () => {
    for (const q of ['{ product(id: "abc") { id } }', '{ quote(id: "abc") { id } }']) {
      expect(firstError(await h.gql(h.tokens.c1Member, q)), q).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: 'id: must be a UUID.',
        extensions: { field: 'id' },
      });
    }
    for (const m of [ACCEPT_QUOTE, EXPIRE_QUOTE]) {
      expect(firstError(await h.gql(h.tokens.c1Member, m, { id: 'abc' }))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'id' } });
    }
    const update = 'mutation { updateProduct(id: "abc", input: { name: "x" }) { id } }';
    expect(firstError(await h.gql(h.tokens.providerAdmin, update))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'id' } });
    const unknown = '0190b3c4-0000-7000-8000-000000000000';
    expect(dataOf(await h.gql(h.tokens.c1Member, `{ product(id: "${unknown}") { id } quote(id: "${unknown}") { id } }`))).toEqual({
      product: null,
      quote: null,
    });
  });

  test("createQuote names organizationId and a line's productId", async () => {
    expect(firstError(await create(h.tokens.c1Member, 'abc'))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'organizationId' } });
    const badLine = await h.gql(h.tokens.c1Member, CREATE_QUOTE, { org: h.tree.customerA, lines: [{ productId: 'abc', quantity: 1, months: 1 }] });
    expect(firstError(badLine)).toMatchObject({ code: 'BAD_USER_INPUT', message: 'lines[0].productId: must be a UUID.' });
  });
});

describe('catalogue reads need an authenticated caller, nothing more', () => {
  test('anonymous callers get UNAUTHENTICATED from every query', async () => {
    for (const q of [
      '{ products { edges { node { id } } } }',
      `{ product(id: "${ramId}") { id } }`,
      '{ categories { id } }',
      '{ vatRate { basisPoints } }',
      `{ quote(id: "${c1Quote}") { id } }`,
    ]) {
      expect(codesOf(await h.gql(null, q)), q).toEqual(['UNAUTHENTICATED']);
    }
  });

  test('any signed-in caller — a customer viewer, a service — reads products', async () => {
    for (const token of [h.tokens.c1Viewer, h.tokens.c2Member, h.tokens.otherService]) {
      expect(dataOf(await h.gql(token, `{ product(id: "${ramId}") { sku } }`)).product.sku).toBe('RAM-GIB');
    }
  });

  test('_entities shows anonymous callers no product', async () => {
    const r = await entities(null, [{ __typename: 'Product', id: ramId }]);
    expect(r.data?._entities).toEqual([null]);
  });
});

describe('quotes follow the organisation tree', () => {
  test('creating needs MEMBER or above on a visible organisation', async () => {
    expect(codesOf(await create(h.tokens.c1Owner, h.tree.customerA))).toEqual([]);
    expect(codesOf(await create(h.tokens.r1Member, h.tree.customerA))).toEqual([]); // a reseller for its customer
    expect(codesOf(await create(h.tokens.providerMember, h.tree.customerB))).toEqual([]); // the provider for anyone
    expect(codesOf(await create(h.tokens.c1Viewer, h.tree.customerA))).toEqual(['FORBIDDEN']);
    expect(codesOf(await create(h.tokens.c1Billing, h.tree.customerA))).toEqual(['FORBIDDEN']);
    expect(codesOf(await create(h.tokens.c2Member, h.tree.customerA))).toEqual(['NOT_FOUND']); // another tenant: looks missing
    expect(codesOf(await create(h.tokens.c1Member, h.tree.resellerA))).toEqual(['NOT_FOUND']); // upwards is invisible too
    expect(codesOf(await create(h.tokens.resellerAdmin, h.tree.customerB))).toEqual(['NOT_FOUND']); // resellers never see each other
  });

  test('reading needs visibility: own org, ancestors and the provider see it; others, services included, get null', async () => {
    // A read that errors is not "invisible": every read must succeed, with the quote or with null.
    const read = async (token: string, id: string): Promise<string | null> => {
      const r = await h.gql(token, GET_QUOTE, { id });
      expect(r.errors, `quote ${id}`).toBeUndefined();
      expect(r.data).toHaveProperty('quote');
      const quote = (r.data as { quote: { id: string } | null }).quote;
      if (quote !== null) expect(quote.id).toBe(id);
      return quote === null ? null : quote.id;
    };
    for (const token of [h.tokens.c1Viewer, h.tokens.c1Billing, h.tokens.r1Member, h.tokens.providerAdmin]) {
      expect(await read(token, c1Quote)).toBe(c1Quote);
    }
    expect(await read(h.tokens.pricingService, c1Quote)).toBeNull(); // catalog:price names no quote
    for (const token of [h.tokens.c2Member, h.tokens.resellerAdmin]) {
      expect(await read(token, c2Quote)).toBe(token === h.tokens.c2Member ? c2Quote : null);
      expect(await read(token, c1Quote)).toBe(token === h.tokens.resellerAdmin ? c1Quote : null);
    }
  });

  test("accepting or expiring another tenant's quote is NOT_FOUND, a viewer's attempt FORBIDDEN; nothing changes", async () => {
    expect(codesOf(await h.gql(h.tokens.c2Member, ACCEPT_QUOTE, { id: c1Quote }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await h.gql(h.tokens.c2Member, EXPIRE_QUOTE, { id: c1Quote }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await h.gql(h.tokens.c1Viewer, ACCEPT_QUOTE, { id: c1Quote }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id: '0190b3c4-0000-7000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(dataOf(await h.gql(h.tokens.c1Member, GET_QUOTE, { id: c1Quote })).quote.status).toBe('DRAFT');
    // The reseller above may act for its customer.
    expect(dataOf(await h.gql(h.tokens.r1Member, ACCEPT_QUOTE, { id: c1Quote })).acceptQuote.status).toBe('ACCEPTED');
  });

  test("_entities: a foreign quote and a foreign organisation's quotes show nothing", async () => {
    const reps = [
      { __typename: 'Quote', id: c1Quote },
      { __typename: 'Organization', id: h.tree.customerA },
    ];
    const foreign = await entities(h.tokens.c2Member, reps);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data?._entities).toEqual([null, { id: h.tree.customerA, quotes: null }]);
    const own = dataOf(await entities(h.tokens.c1Viewer, reps))._entities;
    expect(own[0]).toMatchObject({ id: c1Quote });
    expect(own[1].quotes.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(c1Quote);
    const anonymous = await entities(null, reps);
    expect(anonymous.data?._entities).toEqual([null, { id: h.tree.customerA, quotes: null }]);
  });

  test('Organization.quotes pages newest first and filters by status as of now', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(dataOf(await create(h.tokens.c2Member, h.tree.customerB)).createQuote.id);
    dataOf(await h.gql(h.tokens.c2Member, EXPIRE_QUOTE, { id: ids[0] }));
    const page = async (first: number, after: string | null, status: string | null = null) =>
      dataOf(
        await h.gql(
          h.tokens.c2Member,
          `query($reps: [_Any!]!, $first: Int, $after: String, $status: QuoteStatus) { _entities(representations: $reps) {
            ... on Organization { quotes(first: $first, after: $after, status: $status) { edges { node { id status } } pageInfo { hasNextPage endCursor } } } } }`,
          { reps: [{ __typename: 'Organization', id: h.tree.customerB }], first, after, status },
        ),
      )._entities[0].quotes;
    const all = (await page(100, null)).edges.map((e: QuoteEdge) => e.node.id);
    expect(all).toEqual([...all].sort().reverse()); // newest (time-ordered id) first
    expect(all.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
    expect(all).toContain(c2Quote);
    const first = await page(2, null);
    expect(first.edges.map((e: QuoteEdge) => e.node.id)).toEqual(all.slice(0, 2));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await page(100, first.pageInfo.endCursor);
    expect(rest.edges.map((e: QuoteEdge) => e.node.id)).toEqual(all.slice(2));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect((await page(10, null, 'EXPIRED')).edges.map((e: QuoteEdge) => e.node.id)).toEqual([ids[0]]);
    expect((await page(10, null, 'DRAFT')).edges.every((e: QuoteEdge) => e.node.status === 'DRAFT')).toBe(true);
    expect(
      codesOf(
        await h.gql(
          h.tokens.c2Member,
          `{ _entities(representations: [{ __typename: "Organization", id: "${h.tree.customerB}" }]) { ... on Organization { quotes(first: 101) { edges { cursor } } } } }`,
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });

  test("Quote.organization is a reference to tenancy's Organization", async () => {
    const r = await h.gql(h.tokens.c1Member, `{ quote(id: "${c1Quote}") { organization { __typename id } } }`);
    expect(dataOf(r).quote.organization).toEqual({ __typename: 'Organization', id: h.tree.customerA });
  });
});

describe('service-only and provider-only operations', () => {
  const INTERNAL = `query($r: [PriceRequest!]!) { internalPrices(requests: $r) { monthly { amount } } }`;
  test('internalPrices needs a service token with scope catalog:price', async () => {
    const r = [{ productId: ramId, at: '2026-01-01T00:00:00Z' }];
    expect(dataOf(await h.gql(h.tokens.pricingService, INTERNAL, { r })).internalPrices).toEqual([{ monthly: { amount: '38.00' } }]);
    expect(codesOf(await h.gql(h.tokens.otherService, INTERNAL, { r }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await h.gql(h.tokens.providerAdmin, INTERNAL, { r }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await h.gql(null, INTERNAL, { r }))).toEqual(['UNAUTHENTICATED']);
  });

  test('catalogue changes need the provider organisation and ADMIN or above', async () => {
    const m = `mutation($id: ID!) { updateProduct(id: $id, input: { name: "Hacked" }) { name } }`;
    for (const token of [h.tokens.providerMember, h.tokens.resellerAdmin, h.tokens.c1Owner, h.tokens.pricingService]) {
      expect(codesOf(await h.gql(token, m, { id: ramId }))).toEqual(['FORBIDDEN']);
    }
    expect(codesOf(await h.gql(null, m, { id: ramId }))).toEqual(['UNAUTHENTICATED']);
    expect(dataOf(await h.gql(h.tokens.c1Member, `{ product(id: "${ramId}") { name } }`)).product.name).toBe('RAM, 1 GiB');
  });
});
