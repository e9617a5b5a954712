import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { SEED_PRODUCTS } from '../src/domain/seed-catalog-data.ts';
import { dataOf, firstError, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';

let h: CatalogHarness;
test.beforeAll(async ({ catalog }) => {
  h = catalog;
});

const PRICE = `query($spec: VmSpecInput!) {
  priceVirtualMachine(spec: $spec) {
    pricedAt
    lines { sku description quantity unitMonthly { amount } monthly { amount } hourly { amount } }
    vatRate { basisPoints percent }
    monthly { subtotal { amount currency } vat { amount } total { amount } }
    hourly { subtotal { amount } vat { amount } total { amount } }
  }
}`;
const base = { vcpu: 2, memoryGib: 4, diskGib: 50 };
const price = (spec: Record<string, unknown>, token = h.tokens.c1Member) => h.gql(token, PRICE, { spec });

describe('priceVirtualMachine: a priced breakdown', () => {
  test('lines per component, monthly and hourly columns, VAT once on each subtotal', async () => {
    const r = dataOf(
      await price({ vcpu: 4, memoryGib: 16, diskGib: 250, storageTier: 'PREMIUM', licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP', 'ADD-MONITOR'] }),
    );
    const b = r.priceVirtualMachine;
    expect(b.pricedAt).toBe('2026-06-01T08:00:00.000Z');
    expect(b.lines).toEqual([
      {
        sku: 'CPU-STD-VCPU',
        description: 'vCPU, 2.0 GHz',
        quantity: 4,
        unitMonthly: { amount: '155.00' },
        monthly: { amount: '620.00' },
        hourly: { amount: '0.83' },
      },
      { sku: 'RAM-GIB', description: 'RAM, 1 GiB', quantity: 16, unitMonthly: { amount: '38.00' }, monthly: { amount: '608.00' }, hourly: { amount: '0.82' } },
      {
        sku: 'STO-PRM-100G',
        description: 'Premium storage, 100 GiB',
        quantity: 3,
        unitMonthly: { amount: '275.00' },
        monthly: { amount: '825.00' },
        hourly: { amount: '1.11' },
      },
      {
        sku: 'LIC-WIN-SRV',
        description: 'Windows Server licence',
        quantity: 1,
        unitMonthly: { amount: '89.00' },
        monthly: { amount: '89.00' },
        hourly: { amount: '0.12' },
      },
      {
        sku: 'ADD-BACKUP',
        description: 'Daily backup',
        quantity: 1,
        unitMonthly: { amount: '45.00' },
        monthly: { amount: '45.00' },
        hourly: { amount: '0.06' },
      },
      {
        sku: 'ADD-MONITOR',
        description: 'Monitoring',
        quantity: 1,
        unitMonthly: { amount: '25.00' },
        monthly: { amount: '25.00' },
        hourly: { amount: '0.03' },
      },
    ]);
    expect(b.vatRate).toEqual({ basisPoints: 1500, percent: '15.00' });
    // 620 + 608 + 825 + 89 + 45 + 25 = 2212.00; VAT 331.80; total 2543.80
    expect(b.monthly).toEqual({ subtotal: { amount: '2212.00', currency: 'ZAR' }, vat: { amount: '331.80' }, total: { amount: '2543.80' } });
    // Hourly lines (rounded once each) sum to 2.97; VAT 0.4455 → 0.45; total 3.42
    expect(b.hourly).toEqual({ subtotal: { amount: '2.97' }, vat: { amount: '0.45' }, total: { amount: '3.42' } });
  });

  test('economy vCPUs and standard storage by default tier', async () => {
    const b = dataOf(await price({ ...base, cpuSpeed: 'ECONOMY' })).priceVirtualMachine;
    expect(b.lines.map((l: { sku: string; monthly: { amount: string } }) => [l.sku, l.monthly.amount])).toEqual([
      ['CPU-ECO-VCPU', '156.00'],
      ['RAM-GIB', '152.00'],
      ['STO-STD-100G', '180.00'],
    ]);
  });

  test('every seeded VM size costs exactly what the same custom spec costs', async () => {
    const sizes = SEED_PRODUCTS.filter((p) => p.vmSpec);
    const listed = dataOf(
      await h.gql(h.tokens.c1Member, '{ products(filter: { kind: VM_SIZE }, first: 100) { edges { node { sku price { monthly { amount } } } } } }'),
    );
    const bySku = new Map(
      listed.products.edges.map((e: { node: { sku: string; price: { monthly: { amount: string } } } }) => [e.node.sku, e.node.price.monthly.amount]),
    );
    for (const size of sizes) {
      const spec = size.vmSpec!;
      const custom = dataOf(
        await price({ vcpu: spec.vcpu, memoryGib: spec.memoryGib, diskGib: spec.diskGib, cpuSpeed: spec.cpuSpeed, storageTier: spec.storageTier }),
      );
      expect(custom.priceVirtualMachine.monthly.subtotal.amount, size.sku).toBe(bySku.get(size.sku));
    }
  });

  test('anonymous callers are refused', async () => {
    const r = await price(base, '');
    expect(codesOf(r)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('every spec limit, on both sides', () => {
  const limits = [
    ['vcpu', 1, 64],
    ['memoryGib', 1, 512],
    ['diskGib', 20, 10_000],
  ] as const;

  test.each(limits)('%s accepts %i and %i', async (field, min, max) => {
    for (const value of [min, max]) {
      const r = await price({ ...base, [field]: value });
      expect(r.errors, `${field}=${value}`).toBeUndefined();
    }
  });

  test.each(limits)('%s refuses one below %i and one above %i, naming the field and its limits', async (field, min, max) => {
    for (const value of [min - 1, max + 1]) {
      const r = await price({ ...base, [field]: value });
      const error = firstError(r);
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions).toMatchObject({ field: `spec.${field}`, min, max });
      expect(error.message).toContain(`spec.${field}`);
      expect(error.message).toContain(`from ${min} to ${max}`);
      expect(r.data).toBeNull();
    }
  });

  test('the extreme spec (64 vCPU, 512 GiB, 10,000 GiB premium) prices exactly', async () => {
    const b = dataOf(await price({ vcpu: 64, memoryGib: 512, diskGib: 10_000, storageTier: 'PREMIUM' })).priceVirtualMachine;
    // 64 × 155 + 512 × 38 + 100 × 275 = 9920 + 19456 + 27500 = 56876.00; VAT 8531.40
    expect(b.monthly).toEqual({ subtotal: { amount: '56876.00', currency: 'ZAR' }, vat: { amount: '8531.40' }, total: { amount: '65407.40' } });
  });

  test('disk is billed per started 100 GiB block: 100 → 1 block, 101 → 2', async () => {
    const blocks = async (diskGib: number) => dataOf(await price({ ...base, diskGib })).priceVirtualMachine.lines[2].quantity;
    expect([await blocks(20), await blocks(100), await blocks(101), await blocks(10_000)]).toEqual([1, 1, 2, 100]);
  });

  test('unknown licences and add-ons, wrong kinds and duplicates are refused by index', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, licences: ['LIC-NOPE'] }, 'spec.licences[0]'],
      [{ ...base, licences: ['ADD-BACKUP'] }, 'spec.licences[0]'], // an add-on is not a licence
      [{ ...base, addOns: ['ADD-BACKUP', 'LIC-WIN-SRV'] }, 'spec.addOns[1]'],
      [{ ...base, addOns: ['ADD-BACKUP', 'ADD-BACKUP'] }, 'spec.addOns[1]'],
      [{ ...base, licences: ['lowercase sku'] }, 'spec.licences[0]'],
    ];
    for (const [spec, field] of cases) {
      expect(firstError(await price(spec)), JSON.stringify(spec)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
  });

  test('out-of-range and wrong-typed values never reach the database', async () => {
    h.statements.reset();
    await price({ ...base, vcpu: 0 });
    await price({ ...base, vcpu: 'two' });
    await price({ ...base, cpuSpeed: 'TURBO' });
    expect(h.statements.statements).toEqual([]);
  });
});
