import { describe, expect } from 'vitest';
import { SEED_PRODUCTS } from '../src/domain/seed-catalog-data.ts';
import { dataOf, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';

let h: CatalogHarness;
test.beforeAll(async ({ catalog }) => {
  h = catalog;
});

const ALL_PRODUCTS = `query($after: String) {
  products(first: 100, after: $after) {
    edges { node { sku kind active category { name } price { monthly { amount currency } hourly { amount } effectiveFrom } } }
    pageInfo { hasNextPage }
  }
}`;

describe('seedCatalog', () => {
  test('seeds 39 products in 10 categories, every one priced from 2025-01-01', async () => {
    const data = dataOf(await h.gql(h.tokens.c1Member, ALL_PRODUCTS));
    const products = data.products.edges.map((e: { node: unknown }) => e.node);
    expect(products).toHaveLength(39);
    expect(new Set(products.map((p: { category: { name: string } }) => p.category.name)).size).toBe(10);
    const categories = dataOf(await h.gql(h.tokens.c1Member, '{ categories { name products(first: 100) { edges { node { sku } } } } }'));
    expect(categories.categories).toHaveLength(10);
    expect(categories.categories.flatMap((c: { products: { edges: unknown[] } }) => c.products.edges)).toHaveLength(39);
    for (const p of products) {
      expect(p.active).toBe(true);
      expect(p.price.effectiveFrom).toBe('2025-01-01T00:00:00.000Z');
      expect(p.price.monthly.currency).toBe('ZAR');
    }
  });

  test('carries the DESIGN §6 list prices exactly', async () => {
    const prices = new Map<string, string>();
    const data = dataOf(await h.gql(h.tokens.c1Member, ALL_PRODUCTS));
    for (const { node } of data.products.edges) prices.set(node.sku, node.price.monthly.amount);
    expect(
      Object.fromEntries(
        ['CPU-STD-VCPU', 'CPU-ECO-VCPU', 'RAM-GIB', 'STO-STD-100G', 'STO-PRM-100G', 'LIC-WIN-SRV', 'ADD-BACKUP', 'ADD-MONITOR'].map((s) => [s, prices.get(s)]),
      ),
    ).toEqual({
      'CPU-STD-VCPU': '155.00',
      'CPU-ECO-VCPU': '78.00',
      'RAM-GIB': '38.00',
      'STO-STD-100G': '180.00',
      'STO-PRM-100G': '275.00',
      'LIC-WIN-SRV': '89.00',
      'ADD-BACKUP': '45.00',
      'ADD-MONITOR': '25.00',
    });
    // 2 × 155 + 8 × 38 + 1 block × 180 = 794.00; hourly 79400 / 744 = 106.72… → 1.07
    expect(prices.get('VM-GP-2C8G')).toBe('794.00');
  });

  test('is idempotent: three more runs, all at once, add nothing', async () => {
    const results = await Promise.all([h.subgraph.seed(), h.subgraph.seed(), h.subgraph.seed()]);
    expect(results.map((r) => r.productsAdded)).toEqual([0, 0, 0]);
    const counts = await h.subgraph.db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBe(39);
    const prices = await h.subgraph.db
      .selectFrom('prices')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(prices.n)).toBe(39);
    const vat = await h.subgraph.db.selectFrom('vat_rates').selectAll().execute();
    expect(vat.map((v) => v.rate_bp)).toEqual([1500]);
  });

  test('activeVmSizes lists every seeded VM size, in SKU order, with its shape', async () => {
    const seeded = SEED_PRODUCTS.filter((p) => p.kind === 'VM_SIZE');
    const sizes = await h.subgraph.activeVmSizes();
    expect(sizes.map((s) => s.sku)).toEqual(seeded.map((p) => p.sku).sort());
    expect(sizes.find((s) => s.sku === 'VM-GP-2C8G')).toEqual({
      id: expect.any(String),
      sku: 'VM-GP-2C8G',
      vcpu: 2,
      cpuSpeed: 'STANDARD',
      memoryGib: 8,
      diskGib: 100,
      storageTier: 'STANDARD',
    });
  });

  test('SKUs are stable and unique', () => {
    const skus = SEED_PRODUCTS.map((p) => p.sku);
    expect(new Set(skus).size).toBe(39);
    expect(skus).toContain('VM-MEM-64C512G');
    expect(skus).toContain('VM-ECO-1C1G');
  });
});
