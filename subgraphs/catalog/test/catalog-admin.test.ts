import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { DAY_MS, dataOf, firstError, TEST_NOW, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';

let h: CatalogHarness;
let categories: Record<string, string>;

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) {
  id sku name kind active category { name }
  spec { __typename ... on VmSpec { vcpu cpuSpeed cpuClockMhz memoryGib diskGib storageTier licences addOns } ... on StorageBlockSpec { sizeGib tier } }
  price { monthly { amount } effectiveFrom }
} }`;
const UPDATE = `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id name description active category { name } } }`;
const admin = (query: string, variables: Record<string, unknown>) => h.gql(h.tokens.providerAdmin, query, variables);
const productCount = async () => (await h.subgraph.db.selectFrom('products').select('id').execute()).length;

test.beforeAll(async ({ catalog }) => {
  h = catalog;
  const data = dataOf(await h.gql(h.tokens.c1Member, '{ categories { id name } }'));
  categories = Object.fromEntries(data.categories.map((c: { id: string; name: string }) => [c.name, c.id]));
});

describe('provider administrators curate the catalogue', () => {
  test('create a category; the same name twice is a CONFLICT', async () => {
    const r = dataOf(await admin('mutation { createCategory(input: { name: "GPU VMs" }) { id name products { edges { cursor } } } }', {}));
    expect(r.createCategory).toMatchObject({ name: 'GPU VMs', products: { edges: [] } });
    expect(codesOf(await admin('mutation { createCategory(input: { name: "GPU VMs" }) { id } }', {}))).toEqual(['CONFLICT']);
    expect(codesOf(await admin('mutation { createCategory(input: { name: "   " }) { id } }', {}))).toEqual(['BAD_USER_INPUT']);
  });

  test('create a VM size with a licence; its first price starts now', async () => {
    const input = {
      sku: 'VM-WIN-2C8G',
      name: 'Windows 2 vCPU / 8 GiB',
      kind: 'VM_SIZE',
      categoryId: categories['General purpose VMs'],
      vmSpec: { vcpu: 2, memoryGib: 8, diskGib: 100, licences: ['LIC-WIN-SRV'] },
      monthlyPrice: '883.00',
    };
    const p = dataOf(await admin(CREATE, { input })).createProduct;
    expect(p).toMatchObject({
      sku: 'VM-WIN-2C8G',
      kind: 'VM_SIZE',
      active: true,
      category: { name: 'General purpose VMs' },
      spec: {
        __typename: 'VmSpec',
        vcpu: 2,
        cpuSpeed: 'STANDARD',
        cpuClockMhz: 2000,
        memoryGib: 8,
        diskGib: 100,
        storageTier: 'STANDARD',
        licences: ['LIC-WIN-SRV'],
        addOns: [],
      },
      price: { monthly: { amount: '883.00' }, effectiveFrom: TEST_NOW },
    });
    expect(codesOf(await admin(CREATE, { input }))).toEqual(['CONFLICT']);
  });

  test('a product whose first price starts later has no price until then', async () => {
    const from = new Date(new Date(TEST_NOW).getTime() + DAY_MS).toISOString();
    const p = dataOf(
      await admin(CREATE, {
        input: {
          sku: 'STO-NVME-100G',
          name: 'NVMe storage, 100 GiB',
          kind: 'STORAGE',
          categoryId: categories['Block storage'],
          storageBlock: { sizeGib: 100, tier: 'PREMIUM' },
          monthlyPrice: '350',
          priceEffectiveFrom: from,
        },
      }),
    ).createProduct;
    expect(p.spec).toEqual({ __typename: 'StorageBlockSpec', sizeGib: 100, tier: 'PREMIUM' });
    expect(p.price).toBeNull();
    const later = dataOf(
      await h.gql(h.tokens.c1Member, 'query($id: ID!, $at: DateTime) { product(id: $id) { price(at: $at) { monthly { amount } } } }', { id: p.id, at: from }),
    );
    expect(later.product.price.monthly.amount).toBe('350.00');
  });

  test('bad product input names the field; nothing is written', async () => {
    const before = await productCount();
    const valid = { sku: 'ADD-DNS', name: 'Managed DNS', kind: 'ADD_ON', categoryId: categories['Monitoring'], monthlyPrice: '10.00' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, sku: 'add-dns' }, 'input.sku'],
      [{ ...valid, sku: 'A' }, 'input.sku'],
      [{ ...valid, name: '' }, 'input.name'],
      [{ ...valid, monthlyPrice: '-1' }, 'input.monthlyPrice'],
      [{ ...valid, monthlyPrice: '10.001' }, 'input.monthlyPrice'],
      [{ ...valid, categoryId: '0190b3c4-0000-7000-8000-000000000000' }, 'input.categoryId'],
      [{ ...valid, priceEffectiveFrom: '2026-05-31T00:00:00Z' }, 'input.priceEffectiveFrom'],
      [{ ...valid, vmSpec: { vcpu: 1, memoryGib: 1, diskGib: 20 } }, 'input.vmSpec'],
      [{ ...valid, kind: 'VM_SIZE' }, 'input.vmSpec'],
      [{ ...valid, kind: 'VM_SIZE', vmSpec: { vcpu: 1, memoryGib: 513, diskGib: 20 } }, 'input.vmSpec.memoryGib'],
      [{ ...valid, kind: 'VM_SIZE', vmSpec: { vcpu: 1, memoryGib: 1, diskGib: 20, addOns: ['LIC-WIN-SRV'] } }, 'input.vmSpec.addOns[0]'],
      [{ ...valid, kind: 'STORAGE' }, 'input.storageBlock'],
      [{ ...valid, kind: 'STORAGE', storageBlock: { sizeGib: 0, tier: 'STANDARD' } }, 'input.storageBlock.sizeGib'],
    ];
    for (const [input, field] of cases) {
      expect(firstError(await admin(CREATE, { input })), JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
    expect(await productCount()).toBe(before);
  });

  test('update name, description, category and active flag; never the SKU or spec', async () => {
    const id = dataOf(await h.gql(h.tokens.c1Member, '{ productBySku(sku: "ADD-MONITOR") { id } }')).productBySku.id;
    const updated = dataOf(
      await admin(UPDATE, { id, input: { name: 'Monitoring & alerting', description: 'Now with SMS.', categoryId: categories['Backup'], active: false } }),
    ).updateProduct;
    expect(updated).toEqual({ id, name: 'Monitoring & alerting', description: 'Now with SMS.', active: false, category: { name: 'Backup' } });
    expect(firstError(await admin(UPDATE, { id, input: {} }))).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'input' } });
    expect(firstError(await admin(UPDATE, { id, input: { categoryId: '0190b3c4-0000-7000-8000-000000000000' } }))).toMatchObject({
      extensions: { field: 'input.categoryId' },
    });
    expect(codesOf(await admin(UPDATE, { id: '0190b3c4-0000-7000-8000-000000000000', input: { name: 'x' } }))).toEqual(['NOT_FOUND']);
    const schema = await admin(`mutation($id: ID!) { updateProduct(id: $id, input: { sku: "X" }) { id } }`, { id });
    expect(codesOf(schema)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('browsing products', () => {
  const list = async (filter: Record<string, unknown>, first = 100, after: string | null = null) =>
    dataOf(
      await h.gql(
        h.tokens.c1Viewer,
        'query($f: ProductFilter, $first: Int, $after: String) { products(filter: $f, first: $first, after: $after) { edges { node { sku } } pageInfo { hasNextPage endCursor } } }',
        { f: filter, first, after },
      ),
    ).products;
  const skus = (page: { edges: { node: { sku: string } }[] }) => page.edges.map((e) => e.node.sku);

  test('by category, kind, active, size and search', async () => {
    expect(skus(await list({ category: categories['Compute'] }))).toEqual(['CPU-ECO-VCPU', 'CPU-STD-VCPU']);
    expect(skus(await list({ kind: 'LICENCE' }))).toEqual(['LIC-WIN-SRV']);
    expect(skus(await list({ minVcpu: 32 }))).toEqual(['VM-MEM-32C256G', 'VM-MEM-64C512G', 'VM-PERF-32C128G', 'VM-PERF-64C256G']);
    expect(skus(await list({ minVcpu: 16, minMemoryGib: 256 }))).toEqual(['VM-MEM-32C256G', 'VM-MEM-64C512G', 'VM-PERF-64C256G']);
    expect(skus(await list({ search: 'MEMORY optimised 64' }))).toEqual(['VM-MEM-64C512G']); // a substring of the name, any case
    expect(skus(await list({ search: 'premium' }))).toEqual(expect.arrayContaining(['STO-PRM-100G', 'VM-PERF-2C4G']));
    expect(skus(await list({ search: '100%' }))).toEqual([]); // % is a character, not a wildcard
    expect(skus(await list({ kind: 'ADD_ON', active: true }))).toEqual(['ADD-BACKUP']); // monitoring was retired above
    expect(skus(await list({ kind: 'ADD_ON', active: false }))).toEqual(['ADD-MONITOR']);
  });

  test('pages by SKU with opaque cursors, at most 100 a page', async () => {
    const first = await list({ kind: 'VM_SIZE' }, 10);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list({ kind: 'VM_SIZE' }, 100, first.pageInfo.endCursor);
    const all = [...skus(first), ...skus(second)];
    expect(all).toHaveLength(32); // 31 seeded + VM-WIN-2C8G
    expect(all).toEqual([...all].sort());
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(codesOf(await h.gql(h.tokens.c1Viewer, '{ products(first: 101) { edges { cursor } } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await h.gql(h.tokens.c1Viewer, '{ products(after: "!!!") { edges { cursor } } }'))).toEqual(['BAD_USER_INPUT']);
  });

  test('bad filters name the field', async () => {
    expect(firstError(await h.gql(h.tokens.c1Viewer, '{ products(filter: { category: "nope" }) { edges { cursor } } }'))).toMatchObject({
      extensions: { field: 'filter.category' },
    });
    expect(firstError(await h.gql(h.tokens.c1Viewer, '{ products(filter: { minVcpu: -1 }) { edges { cursor } } }'))).toMatchObject({
      extensions: { field: 'filter.minVcpu' },
    });
    expect(firstError(await h.gql(h.tokens.c1Viewer, `{ products(filter: { search: "${'x'.repeat(101)}" }) { edges { cursor } } }`))).toMatchObject({
      extensions: { field: 'filter.search' },
    });
  });
});
