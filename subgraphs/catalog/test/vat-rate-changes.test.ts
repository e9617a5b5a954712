import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { DAY_MS, dataOf, firstError, TEST_NOW, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';
import { ACCEPT_QUOTE, CREATE_QUOTE, GET_QUOTE } from './support/quote-queries.ts';

let h: CatalogHarness;
let ramId: string;
const T = new Date(new Date(TEST_NOW).getTime() + 10 * DAY_MS); // VAT goes to 16 % at T, inside a quote's 30-day validity
const at = (delta: number) => new Date(T.getTime() + delta).toISOString();
const SCHEDULE_VAT = `mutation($input: ScheduleVatRateInput!) { scheduleVatRate(input: $input) { basisPoints percent effectiveFrom } }`;

test.beforeAll(async ({ catalog }) => {
  h = catalog;
  ramId = dataOf(await h.gql(h.tokens.c1Member, '{ productBySku(sku: "RAM-GIB") { id } }')).productBySku.id;
  const r = await h.gql(h.tokens.providerAdmin, SCHEDULE_VAT, { input: { basisPoints: 1600, effectiveFrom: T.toISOString() } });
  expect(dataOf(r).scheduleVatRate).toEqual({ basisPoints: 1600, percent: '16.00', effectiveFrom: T.toISOString() });
});

// 10 GiB of RAM for a month = R380.00: 15 % VAT → 57.00, 16 % → 60.80.
const line = () => [{ productId: ramId, quantity: 10, months: 1 }];
const quoteAt = async (startsAt?: string) =>
  dataOf(await h.gql(h.tokens.c1Member, CREATE_QUOTE, { org: h.tree.customerA, lines: line(), startsAt })).createQuote;

describe('the VAT rate is effective-dated like prices', () => {
  test('the rate in force 1 ms before, exactly at, and after the change', async () => {
    const rate = async (a: string) =>
      dataOf(await h.gql(h.tokens.c1Member, 'query($a: DateTime) { vatRate(at: $a) { basisPoints } }', { a })).vatRate.basisPoints;
    expect([await rate(at(-1)), await rate(at(0)), await rate(at(1))]).toEqual([1500, 1600, 1600]);
  });

  test('quotes priced before the change use 15 %, from the change on 16 %', async () => {
    const now = await quoteAt();
    const justBefore = await quoteAt(at(-1));
    const onTheChange = await quoteAt(at(0));
    expect([now, justBefore, onTheChange].map((q) => [q.vatRate.basisPoints, q.subtotal.amount, q.vat.amount, q.total.amount])).toEqual([
      [1500, '380.00', '57.00', '437.00'],
      [1500, '380.00', '57.00', '437.00'],
      [1600, '380.00', '60.80', '440.80'],
    ]);
  });

  test('a custom VM priced across the change: VAT on both columns follows the rate at the instant', async () => {
    const q = `query($a: DateTime) { priceVirtualMachine(spec: { vcpu: 1, memoryGib: 2, diskGib: 20 }, at: $a) { vatRate { basisPoints } monthly { vat { amount } } hourly { subtotal { amount } vat { amount } } } }`;
    const before = dataOf(await h.gql(h.tokens.c1Member, q, { a: at(-1) })).priceVirtualMachine;
    const after = dataOf(await h.gql(h.tokens.c1Member, q, { a: at(0) })).priceVirtualMachine;
    // 155 + 76 + 180 = 411.00 a month: VAT 61.65 → 65.76. Hourly lines 0.21 + 0.10 + 0.24 = 0.55: VAT 8.25 c → 8, 8.8 c → 9.
    expect(before).toEqual({
      vatRate: { basisPoints: 1500 },
      monthly: { vat: { amount: '61.65' } },
      hourly: { subtotal: { amount: '0.55' }, vat: { amount: '0.08' } },
    });
    expect(after).toEqual({
      vatRate: { basisPoints: 1600 },
      monthly: { vat: { amount: '65.76' } },
      hourly: { subtotal: { amount: '0.55' }, vat: { amount: '0.09' } },
    });
  });

  test('mid-period: a quote written before the change keeps its figures when read and accepted after it', async () => {
    const early = await quoteAt();
    try {
      h.clock.set(at(DAY_MS)); // a day after the change, still within the quote's validity
      const read = dataOf(await h.gql(h.tokens.c1Member, GET_QUOTE, { id: early.id })).quote;
      expect(read).toMatchObject({ status: 'DRAFT', vatRate: { basisPoints: 1500 }, vat: { amount: '57.00' }, total: { amount: '437.00' } });
      expect(dataOf(await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id: early.id })).acceptQuote.status).toBe('ACCEPTED');
      expect(dataOf(await h.gql(h.tokens.c1Member, GET_QUOTE, { id: early.id })).quote.total.amount).toBe('437.00');
      // A quote written now uses the new rate.
      expect((await quoteAt()).vat.amount).toBe('60.80');
    } finally {
      h.clock.set(TEST_NOW);
    }
  });
});

describe('scheduling VAT rates', () => {
  test('only provider administrators may', async () => {
    const input = { basisPoints: 1400, effectiveFrom: at(20 * DAY_MS) };
    for (const token of [h.tokens.providerMember, h.tokens.resellerAdmin, h.tokens.c1Owner, h.tokens.pricingService]) {
      expect(codesOf(await h.gql(token, SCHEDULE_VAT, { input }))).toEqual(['FORBIDDEN']);
    }
    expect(codesOf(await h.gql(null, SCHEDULE_VAT, { input }))).toEqual(['UNAUTHENTICATED']);
  });

  test('bad rates, past or present starts and a second rate at the same instant are refused; nothing written', async () => {
    const count = async () => (await h.subgraph.db.selectFrom('vat_rates').select('id').execute()).length;
    const before = await count();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ basisPoints: 10_001, effectiveFrom: at(DAY_MS) }, 'BAD_USER_INPUT', 'input.basisPoints'],
      [{ basisPoints: -1, effectiveFrom: at(DAY_MS) }, 'BAD_USER_INPUT', 'input.basisPoints'],
      [{ basisPoints: 1500, effectiveFrom: TEST_NOW }, 'BAD_USER_INPUT', 'input.effectiveFrom'],
      [{ basisPoints: 1500, effectiveFrom: '2020-01-01T00:00:00Z' }, 'BAD_USER_INPUT', 'input.effectiveFrom'],
      [{ basisPoints: 1700, effectiveFrom: T.toISOString() }, 'CONFLICT', 'input.effectiveFrom'],
    ];
    for (const [input, code, field] of cases) {
      expect(firstError(await h.gql(h.tokens.providerAdmin, SCHEDULE_VAT, { input })), JSON.stringify(input)).toMatchObject({ code, extensions: { field } });
    }
    expect(await count()).toBe(before);
  });

  test('a date-time without a zone is refused before anything runs', async () => {
    const r = await h.gql(h.tokens.providerAdmin, SCHEDULE_VAT, { input: { basisPoints: 1500, effectiveFrom: '2027-01-01T00:00:00' } });
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
  });

  test('the database refuses to edit or delete a rate', async () => {
    await expect(sql`update vat_rates set rate_bp = 0`.execute(h.subgraph.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from vat_rates`.execute(h.subgraph.db)).rejects.toThrow(/append-only/);
  });
});
