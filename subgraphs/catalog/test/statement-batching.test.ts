import { describe, expect } from 'vitest';
import { dataOf, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';
import { CREATE_QUOTE } from './support/quote-queries.ts';

// DESIGN §4 "Batching": one SQL statement per entity type per request, whatever the page size.
// Statements are counted with the kernel's StatementCounter on deps.onQuery.

let h: CatalogHarness;
let productIds: string[];

test.beforeAll(async ({ catalog }) => {
  h = catalog;
  const category = dataOf(await h.gql(h.tokens.c1Member, '{ categories { id name } }')).categories.find((c: { name: string }) => c.name === 'Backup').id;
  // 39 seeded + 61 more = 100 products.
  await Promise.all(
    Array.from({ length: 61 }, (_, i) =>
      h
        .gql(h.tokens.providerAdmin, `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`, {
          input: { sku: `ADD-EXTRA-${i}`, name: `Extra add-on ${i}`, kind: 'ADD_ON', categoryId: category, monthlyPrice: `${i + 1}.00` },
        })
        .then(dataOf),
    ),
  );
  productIds = dataOf(await h.gql(h.tokens.c1Member, '{ products(first: 100) { edges { node { id } } } }')).products.edges.map(
    (e: { node: { id: string } }) => e.node.id,
  );
  expect(productIds).toHaveLength(100);
});

async function countStatements(token: string, query: string, variables: Record<string, unknown> = {}) {
  h.statements.reset();
  const data = dataOf(await h.gql(token, query, variables));
  return { data, count: h.statements.count, statements: [...h.statements.statements] };
}

const ENTITIES = (selection: string) =>
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { ${selection} } } }`;

describe('_entities for 100 Product references', () => {
  test('runs ONE SQL statement', async () => {
    const representations = productIds.map((id) => ({ __typename: 'Product', id }));
    const { data, count, statements } = await countStatements(h.tokens.c1Member, ENTITIES('id sku name kind active'), { representations });
    expect(data._entities).toHaveLength(100);
    expect(data._entities.every((p: { id: string } | null, i: number) => p?.id === productIds[i])).toBe(true);
    expect(count).toBe(1);
    expect(statements[0]).toMatch(/from "products"/);
  });

  test('with their prices and categories: one more statement for each, not one per product', async () => {
    const representations = productIds.map((id) => ({ __typename: 'Product', id }));
    const { data, count } = await countStatements(h.tokens.c1Member, ENTITIES('id price { monthly { amount } } category { name }'), { representations });
    expect(data._entities).toHaveLength(100);
    for (const p of data._entities as ({ id: string; price: { monthly: { amount: string } } | null; category: { name: string } | null } | null)[]) {
      expect(p).not.toBeNull();
      expect(p!.price?.monthly.amount).toMatch(/^\d+\.\d{2}$/);
      expect(p!.category?.name).toEqual(expect.any(String));
    }
    expect((data._entities as { id: string }[]).map((p) => p.id)).toEqual(productIds);
    expect(count).toBe(3);
  });

  test('unknown and malformed ids resolve to null in the same single statement', async () => {
    const representations = [
      { __typename: 'Product', id: productIds[0] },
      { __typename: 'Product', id: '0190b3c4-0000-7000-8000-000000000000' },
      { __typename: 'Product', id: 'not-a-uuid' },
    ];
    const { data, count } = await countStatements(h.tokens.c1Member, ENTITIES('id'), { representations });
    expect(data._entities).toEqual([{ id: productIds[0] }, null, null]);
    expect(count).toBe(1);
  });
});

describe('lists and nested fields batch too', () => {
  test('100 products with prices at two instants and categories: 3 statements', async () => {
    const { data, count } = await countStatements(
      h.tokens.c1Member,
      '{ products(first: 100) { edges { node { id now: price { monthly { amount } } then: price(at: "2025-06-01T00:00:00Z") { monthly { amount } } category { name } } } } }',
    );
    const nodes = (
      data.products.edges as { node: { id: string; now: { monthly: { amount: string } } | null; then: unknown; category: { name: string } | null } }[]
    ).map((e) => e.node);
    expect(nodes).toHaveLength(100);
    expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(productIds));
    for (const n of nodes) {
      expect(n.now?.monthly.amount, n.id).toMatch(/^\d+\.\d{2}$/);
      expect(n.category?.name, n.id).toEqual(expect.any(String));
    }
    // The 61 products added by this file have a price only from today: none on 2025-06-01.
    expect(nodes.filter((n) => n.then === null)).toHaveLength(61);
    expect(count).toBe(3);
  });

  test('every category with its products and their prices: 3 statements', async () => {
    const { data, count } = await countStatements(
      h.tokens.c1Member,
      '{ categories { name products(first: 100) { edges { node { sku price { monthly { amount } } } } } } }',
    );
    expect(data.categories).toHaveLength(10);
    const skus = (data.categories as { products: { edges: { node: { sku: string; price: { monthly: { amount: string } } | null } }[] } }[]).flatMap((c) =>
      c.products.edges.map((e) => e.node),
    );
    expect(skus).toHaveLength(100); // 39 seeded + 61 added, each in exactly one category
    expect(new Set(skus.map((p) => p.sku)).size).toBe(100);
    expect(skus.filter((p) => p.sku.startsWith('ADD-EXTRA-'))).toHaveLength(61);
    for (const p of skus) expect(p.price?.monthly.amount, p.sku).toMatch(/^\d+\.\d{2}$/);
    expect(count).toBe(3);
  });

  test('20 quotes by reference with their lines and products: 3 statements', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const lines = [
        { productId: productIds[i], quantity: 1, months: 1 },
        { productId: productIds[i + 20], quantity: 2, months: 1 },
      ];
      ids.push(dataOf(await h.gql(h.tokens.c1Member, CREATE_QUOTE, { org: h.tree.customerA, lines })).createQuote.id);
    }
    const { data, count } = await countStatements(
      h.tokens.c1Member,
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Quote { id total { amount } lines { product { sku } } } } }`,
      { representations: ids.map((id) => ({ __typename: 'Quote', id })) },
    );
    expect(data._entities.map((q: { id: string }) => q.id)).toEqual(ids);
    const lineSkus = (data._entities as { lines: { product: { sku: string } | null }[] }[]).map((q) => q.lines.map((l) => l.product?.sku ?? null));
    expect(lineSkus).toHaveLength(20);
    for (const skusOfQuote of lineSkus) {
      expect(skusOfQuote).toHaveLength(2);
      expect(skusOfQuote.every((sku) => typeof sku === 'string')).toBe(true);
    }
    expect(count).toBe(3);
  });
});

describe('the batched price lookup for other subgraphs', () => {
  test('50 (product or spec, instant) pairs: one round trip, ONE SQL statement', async () => {
    const requests = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? { productId: productIds[i], at: new Date(Date.UTC(2026, 5, 1 + i, 8)).toISOString() }
        : {
            spec: { vcpu: 1 + (i % 64), memoryGib: 2 * i, diskGib: 20 + 100 * i, licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP'] },
            at: '2026-01-01T00:00:00Z',
          },
    );
    const { data, count } = await countStatements(
      h.tokens.pricingService,
      `query($r: [PriceRequest!]!) { internalPrices(requests: $r) { at productId sku monthly { amount } hourly { amount } lines { sku quantity monthly { amount } } } }`,
      { r: requests },
    );
    expect(data.internalPrices).toHaveLength(50);
    expect(count).toBe(1);
    // A spec line: 2 vCPU, 2 GiB, 120 GiB (2 blocks), Windows, backup = 310 + 76 + 360 + 89 + 45 = 880.00
    expect(data.internalPrices[1]).toMatchObject({ productId: null, monthly: { amount: '880.00' }, hourly: { amount: '1.18' } });
    expect(data.internalPrices[1].lines.map((l: { sku: string }) => l.sku)).toEqual(['CPU-STD-VCPU', 'RAM-GIB', 'STO-STD-100G', 'LIC-WIN-SRV', 'ADD-BACKUP']);
  });
});
