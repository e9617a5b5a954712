import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { DAY_MS, dataOf, firstError, TEST_NOW, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';

let h: CatalogHarness;
let vcpuId: string;
const T = new Date(new Date(TEST_NOW).getTime() + 10 * DAY_MS); // the change instant
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta).toISOString();

const SCHEDULE = `mutation($input: SchedulePriceInput!) { scheduleProductPrice(input: $input) { monthly { amount } hourly { amount } effectiveFrom } }`;
const PRICE_AT = `query($id: ID!, $at: DateTime) { product(id: $id) { price(at: $at) { monthly { amount } hourly { amount } effectiveFrom } } }`;

async function priceAt(at: string | null) {
  const data = dataOf(await h.gql(h.tokens.c1Member, PRICE_AT, { id: vcpuId, at }));
  return data.product.price as { monthly: { amount: string }; hourly: { amount: string }; effectiveFrom: string } | null;
}

async function priceRows(): Promise<number> {
  const row = await h.subgraph.db
    .selectFrom('prices')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

test.beforeAll(async ({ catalog }) => {
  h = catalog;
  vcpuId = dataOf(await h.gql(h.tokens.c1Member, '{ productBySku(sku: "CPU-STD-VCPU") { id } }')).productBySku.id;
  const r = await h.gql(h.tokens.providerAdmin, SCHEDULE, { input: { productId: vcpuId, monthlyPrice: '160.00', effectiveFrom: T.toISOString() } });
  expect(dataOf(r).scheduleProductPrice).toEqual({ monthly: { amount: '160.00' }, hourly: { amount: '0.22' }, effectiveFrom: T.toISOString() });
});

describe('the price in force at an instant is the latest that started at or before it', () => {
  test('1 ms before the change: the old price', async () => {
    expect(await priceAt(ms(T, -1))).toEqual({ monthly: { amount: '155.00' }, hourly: { amount: '0.21' }, effectiveFrom: '2025-01-01T00:00:00.000Z' });
  });

  test('exactly on the change: the new price (a price starting at T is in force at T)', async () => {
    expect((await priceAt(T.toISOString()))?.monthly.amount).toBe('160.00');
    // The same instant written in another zone is the same instant.
    expect((await priceAt('2026-06-11T10:00:00.000+02:00'))?.monthly.amount).toBe('160.00');
  });

  test('1 ms after the change: the new price', async () => {
    expect((await priceAt(ms(T, 1)))?.effectiveFrom).toBe(T.toISOString());
  });

  test('no `at` means now (before the change)', async () => {
    expect((await priceAt(null))?.monthly.amount).toBe('155.00');
  });

  test('before the first price there is none; from its first instant there is', async () => {
    expect(await priceAt('2024-12-31T23:59:59.999Z')).toBeNull();
    expect((await priceAt('2025-01-01T00:00:00.000Z'))?.monthly.amount).toBe('155.00');
  });

  test('a later successor takes over at its own start, the earlier one holds until then', async () => {
    const T2 = new Date(T.getTime() + 30 * DAY_MS);
    dataOf(await h.gql(h.tokens.providerAdmin, SCHEDULE, { input: { productId: vcpuId, monthlyPrice: '170.00', effectiveFrom: T2.toISOString() } }));
    expect((await priceAt(ms(T2, -1)))?.monthly.amount).toBe('160.00');
    expect((await priceAt(T2.toISOString()))?.monthly.amount).toBe('170.00');
    expect((await priceAt(ms(T, -1)))?.monthly.amount).toBe('155.00');
  });

  test('a custom VM priced just before and exactly at the change uses the vCPU price in force', async () => {
    const q = `query($at: DateTime) { priceVirtualMachine(spec: { vcpu: 2, memoryGib: 4, diskGib: 50 }, at: $at) { lines { sku monthly { amount } priceEffectiveFrom } monthly { subtotal { amount } } } }`;
    const before = dataOf(await h.gql(h.tokens.c1Member, q, { at: ms(T, -1) })).priceVirtualMachine;
    const on = dataOf(await h.gql(h.tokens.c1Member, q, { at: T.toISOString() })).priceVirtualMachine;
    expect(before.lines[0]).toEqual({ sku: 'CPU-STD-VCPU', monthly: { amount: '310.00' }, priceEffectiveFrom: '2025-01-01T00:00:00.000Z' });
    expect(on.lines[0]).toEqual({ sku: 'CPU-STD-VCPU', monthly: { amount: '320.00' }, priceEffectiveFrom: T.toISOString() });
    expect(before.monthly.subtotal.amount).toBe('642.00'); // 310 + 4 × 38 + 180
    expect(on.monthly.subtotal.amount).toBe('652.00');
  });

  test('the service lookup agrees with Product.price at the same instants', async () => {
    const r = await h.gql(
      h.tokens.pricingService,
      `query($r: [PriceRequest!]!) { internalPrices(requests: $r) { productId monthly { amount } lines { priceEffectiveFrom } } }`,
      { r: [ms(T, -1), T.toISOString(), ms(T, 1)].map((at) => ({ productId: vcpuId, at })) },
    );
    expect(dataOf(r).internalPrices.map((p: { monthly: { amount: string } }) => p.monthly.amount)).toEqual(['155.00', '160.00', '160.00']);
  });
});

describe('internalPriceSchedule (billing splits lines at each change)', () => {
  const SCHEDULE_Q = `query($skus: [String!]!, $from: DateTime!, $to: DateTime!) {
    internalPriceSchedule(skus: $skus, from: $from, to: $to) { prices { sku monthly { amount } effectiveFrom } vatRates { basisPoints effectiveFrom } } }`;

  test('the price in force at the window start and every one starting inside it; none from after it', async () => {
    const r = await h.gql(h.tokens.pricingService, SCHEDULE_Q, { skus: ['CPU-STD-VCPU', 'RAM-GIB'], from: ms(T, -DAY_MS), to: ms(T, DAY_MS) });
    const schedule = dataOf(r).internalPriceSchedule;
    expect(schedule.prices).toEqual([
      { sku: 'CPU-STD-VCPU', monthly: { amount: '155.00' }, effectiveFrom: '2025-01-01T00:00:00.000Z' },
      { sku: 'CPU-STD-VCPU', monthly: { amount: '160.00' }, effectiveFrom: T.toISOString() },
      { sku: 'RAM-GIB', monthly: { amount: '38.00' }, effectiveFrom: '2025-01-01T00:00:00.000Z' },
    ]);
    expect(schedule.vatRates).toHaveLength(1);
    expect(schedule.vatRates[0].basisPoints).toBe(1500);
    // A window that ends exactly at the change does not include it ([from, to)).
    const before = dataOf(await h.gql(h.tokens.pricingService, SCHEDULE_Q, { skus: ['CPU-STD-VCPU'], from: ms(T, -DAY_MS), to: T.toISOString() }));
    expect(before.internalPriceSchedule.prices.map((p: { monthly: { amount: string } }) => p.monthly.amount)).toEqual(['155.00']);
  });

  test('for services with catalog:price only; a reversed window names the field', async () => {
    const vars = { skus: ['CPU-STD-VCPU'], from: ms(T, -DAY_MS), to: ms(T, DAY_MS) };
    expect(codesOf(await h.gql(h.tokens.providerAdmin, SCHEDULE_Q, vars))).toEqual(['FORBIDDEN']);
    const reversed = await h.gql(h.tokens.pricingService, SCHEDULE_Q, { ...vars, from: vars.to, to: vars.from });
    expect(firstError(reversed)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'to' } });
  });
});

describe('past prices are never edited, only succeeded', () => {
  test('a price starting in the past, or exactly now, is refused naming the field; nothing is written', async () => {
    const before = await priceRows();
    for (const effectiveFrom of [ms(new Date(TEST_NOW), -1), TEST_NOW, '2025-01-01T00:00:00.000Z']) {
      const r = await h.gql(h.tokens.providerAdmin, SCHEDULE, { input: { productId: vcpuId, monthlyPrice: '1.00', effectiveFrom } });
      expect(firstError(r)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'input.effectiveFrom' } });
    }
    expect(await priceRows()).toBe(before);
  });

  test('bad amounts and unknown products are refused naming the field; nothing is written', async () => {
    const before = await priceRows();
    const future = ms(T, DAY_MS);
    const cases: [Record<string, unknown>, string][] = [
      [{ productId: vcpuId, monthlyPrice: '-5.00', effectiveFrom: future }, 'input.monthlyPrice'],
      [{ productId: vcpuId, monthlyPrice: '0', effectiveFrom: future }, 'input.monthlyPrice'],
      [{ productId: vcpuId, monthlyPrice: '1.005', effectiveFrom: future }, 'input.monthlyPrice'],
      [{ productId: vcpuId, monthlyPrice: '1e3', effectiveFrom: future }, 'input.monthlyPrice'],
      [{ productId: '0190b3c4-0000-7000-8000-000000000000', monthlyPrice: '1.00', effectiveFrom: future }, 'input.productId'],
      [{ productId: 'not-a-uuid', monthlyPrice: '1.00', effectiveFrom: future }, 'input.productId'],
    ];
    for (const [input, field] of cases) {
      const r = await h.gql(h.tokens.providerAdmin, SCHEDULE, { input });
      expect(firstError(r), JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
    expect(await priceRows()).toBe(before);
  });

  test('two prices cannot start at the same instant: of 10 racing schedules exactly one wins, 9 get CONFLICT', async () => {
    const at = ms(T, 5 * DAY_MS);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.gql(h.tokens.providerAdmin, SCHEDULE, { input: { productId: vcpuId, monthlyPrice: `${200 + i}.00`, effectiveFrom: at } }),
      ),
    );
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.flatMap(codesOf).sort()).toEqual(Array(9).fill('CONFLICT'));
  });

  test('the database itself refuses to update or delete a price', async () => {
    await expect(sql`update prices set monthly_minor = 1`.execute(h.subgraph.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from prices`.execute(h.subgraph.db)).rejects.toThrow(/append-only/);
    expect((await priceAt(ms(T, -1)))?.monthly.amount).toBe('155.00');
  });

  test('once time passes the change, the new price is in force now, and the gap before now is closed', async () => {
    h.clock.set(ms(T, DAY_MS));
    try {
      expect((await priceAt(null))?.monthly.amount).toBe('160.00');
      const r = await h.gql(h.tokens.providerAdmin, SCHEDULE, { input: { productId: vcpuId, monthlyPrice: '1.00', effectiveFrom: ms(T, 1) } });
      expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    } finally {
      h.clock.set(TEST_NOW);
    }
  });
});
