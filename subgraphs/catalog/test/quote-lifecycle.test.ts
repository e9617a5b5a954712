import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { codesOf } from '@platform/testkit';
import { divideHalfEven } from '@platform/kernel';
import { DAY_MS, dataOf, firstError, TEST_NOW, type CatalogHarness } from './support/catalog-harness.ts';
import { catalogTest as test } from './support/fixtures.ts';
import { ACCEPT_QUOTE, cents, CREATE_QUOTE, EXPIRE_QUOTE, GET_QUOTE } from './support/quote-queries.ts';

let h: CatalogHarness;
const ids: Record<string, string> = {};

test.beforeAll(async ({ catalog }) => {
  h = catalog;
  const data = dataOf(await h.gql(h.tokens.c1Member, '{ products(first: 100) { edges { node { id sku } } } }'));
  for (const { node } of data.products.edges) ids[node.sku] = node.id;
});

const create = (lines: unknown[], { token = h.tokens.c1Member, org = h.tree.customerA, startsAt }: { token?: string; org?: string; startsAt?: string } = {}) =>
  h.gql(token, CREATE_QUOTE, { org, lines, startsAt });

async function draft(lines: unknown[] = [{ productId: ids['VM-GP-2C8G'], quantity: 1, months: 1 }]): Promise<string> {
  return dataOf(await create(lines)).createQuote.id;
}

async function countRows(table: 'quotes' | 'quote_lines' | 'outbox'): Promise<number> {
  const row = await h.subgraph.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

interface QuoteFigures {
  lines: {
    quantity: number;
    months: number | null;
    hours: number | null;
    unitMonthly: { amount: string };
    amount: { amount: string };
    components: { quantity: number; unitMonthly: { amount: string } }[];
  }[];
  subtotal: { amount: string };
  vatRate: { basisPoints: number };
  vat: { amount: string };
  total: { amount: string };
}

/** Recomputes every figure of a quote from its components and VAT rate, to the cent. */
function recompute(quote: QuoteFigures): void {
  let subtotal = 0n;
  for (const line of quote.lines) {
    const unit = line.components.reduce((s, c) => s + cents(c.unitMonthly.amount) * BigInt(c.quantity), 0n);
    expect(cents(line.unitMonthly.amount)).toBe(unit);
    const units = unit * BigInt(line.quantity);
    const amount = line.months !== null ? units * BigInt(line.months) : divideHalfEven(units * BigInt(line.hours ?? 0), 744n);
    expect(cents(line.amount.amount)).toBe(amount);
    subtotal += amount;
  }
  expect(cents(quote.subtotal.amount)).toBe(subtotal);
  const vat = divideHalfEven(subtotal * BigInt(quote.vatRate.basisPoints), 10_000n);
  expect(cents(quote.vat.amount)).toBe(vat);
  expect(cents(quote.total.amount)).toBe(subtotal + vat);
}

describe('createQuote', () => {
  test('writes a DRAFT priced now, valid 30 days, with each line rounded once and VAT on the sum', async () => {
    const r = await create([
      { productId: ids['VM-GP-2C8G'], quantity: 2, months: 3 },
      { spec: { vcpu: 1, memoryGib: 1, diskGib: 20, cpuSpeed: 'ECONOMY' }, quantity: 1, hours: 10 },
    ]);
    const quote = dataOf(r).createQuote;
    expect(quote).toMatchObject({
      status: 'DRAFT',
      pricedAt: TEST_NOW,
      createdAt: TEST_NOW,
      validUntil: new Date(new Date(TEST_NOW).getTime() + 30 * DAY_MS).toISOString(),
      acceptedAt: null,
      expiredAt: null,
      organization: { id: h.tree.customerA },
      vatRate: { basisPoints: 1500, percent: '15.00', effectiveFrom: '2018-03-31T22:00:00.000Z' },
    });
    expect(quote.lines[0]).toMatchObject({
      position: 1,
      product: { sku: 'VM-GP-2C8G' },
      spec: null,
      quantity: 2,
      months: 3,
      hours: null,
      unitMonthly: { amount: '794.00' },
      amount: { amount: '4764.00' }, // 794 × 2 × 3
      components: [{ sku: 'VM-GP-2C8G', quantity: 1, unitMonthly: { amount: '794.00' }, priceEffectiveFrom: '2025-01-01T00:00:00.000Z' }],
    });
    expect(quote.lines[1]).toMatchObject({
      position: 2,
      product: null,
      spec: { vcpu: 1, cpuSpeed: 'ECONOMY', memoryGib: 1, diskGib: 20, storageTier: 'STANDARD', licences: [], addOns: [] },
      description: 'Custom VM: 1 vCPU @ 1.8 GHz, 1 GiB RAM, 20 GiB standard disk',
      hours: 10,
      unitMonthly: { amount: '296.00' }, // 78 + 38 + 180
      amount: { amount: '3.98' }, // 29600 c × 10 h / 744 = 397.85 c → 398, rounded once
    });
    expect(quote.subtotal).toEqual({ amount: '4767.98', currency: 'ZAR' });
    expect(quote.vat).toEqual({ amount: '715.20' }); // 476798 × 0.15 = 71519.7 → 71520
    expect(quote.total).toEqual({ amount: '5483.18' });
    recompute(quote);
  });

  test('reads back, in a fresh request, exactly what it returned', async () => {
    const created = dataOf(
      await create([
        { productId: ids['VM-PERF-4C16G'], quantity: 3, months: 12 },
        { productId: ids['ADD-BACKUP'], quantity: 3, months: 12 },
      ]),
    ).createQuote;
    const read = dataOf(await h.gql(h.tokens.c1Viewer, GET_QUOTE, { id: created.id })).quote;
    expect(read).toEqual(created);
    recompute(read);
  });

  test('many small hour lines: each rounds on its own; VAT ties round half to even', async () => {
    // 50 lines of monitoring (R25/month) for 1 hour: 2500/744 = 3.36 c → 3 c each, 1.50 in all;
    // VAT 150 × 15 % = 22.5 c → 22 (half to even), total 1.72.
    const lines = Array.from({ length: 50 }, () => ({ productId: ids['ADD-MONITOR'], quantity: 1, hours: 1 }));
    const quote = dataOf(await create(lines)).createQuote;
    expect(quote.lines.every((l: { amount: { amount: string } }) => l.amount.amount === '0.03')).toBe(true);
    expect([quote.subtotal.amount, quote.vat.amount, quote.total.amount]).toEqual(['1.50', '0.22', '1.72']);
    recompute(quote);
  });

  test('a quote may be priced at a future start, with the prices in force then', async () => {
    const startsAt = new Date(new Date(TEST_NOW).getTime() + 7 * DAY_MS).toISOString();
    const quote = dataOf(await create([{ productId: ids['RAM-GIB'], quantity: 64, months: 1 }], { startsAt })).createQuote;
    expect(quote.pricedAt).toBe(startsAt);
    expect(quote.total.amount).toBe('2796.80'); // 64 × 38 = 2432.00 + 364.80
  });
});

describe('bad input: a clear error naming the field, and nothing written', () => {
  const unknownId = '0190b3c4-0000-7000-8000-000000000000';
  const good = () => ({ productId: ids['RAM-GIB'], quantity: 1, months: 1 });
  const cases: [string, () => unknown[], string, { startsAt?: string }?][] = [
    ['zero quantity', () => [good(), { ...good(), quantity: 0 }], 'lines[1].quantity'],
    ['negative quantity', () => [{ ...good(), quantity: -3 }], 'lines[0].quantity'],
    ['too large a quantity', () => [{ ...good(), quantity: 1001 }], 'lines[0].quantity'],
    ['zero months', () => [{ ...good(), months: 0 }], 'lines[0].months'],
    ['61 months', () => [{ ...good(), months: 61 }], 'lines[0].months'],
    ['zero hours', () => [{ productId: ids['RAM-GIB'], quantity: 1, hours: 0 }], 'lines[0].hours'],
    ['months and hours', () => [{ ...good(), hours: 5 }], 'lines[0]'],
    ['neither months nor hours', () => [{ productId: ids['RAM-GIB'], quantity: 1 }], 'lines[0]'],
    ['product and spec', () => [{ ...good(), spec: { vcpu: 1, memoryGib: 1, diskGib: 20 } }], 'lines[0]'],
    ['neither product nor spec', () => [{ quantity: 1, months: 1 }], 'lines[0]'],
    ['an unknown product', () => [good(), { ...good(), productId: unknownId }], 'lines[1].productId'],
    ['a product id that is not an id', () => [{ ...good(), productId: 'VM-GP-2C8G' }], 'lines[0].productId'],
    ['a spec out of range', () => [{ spec: { vcpu: 65, memoryGib: 1, diskGib: 20 }, quantity: 1, months: 1 }], 'lines[0].spec.vcpu'],
    [
      'an unknown licence',
      () => [{ spec: { vcpu: 1, memoryGib: 1, diskGib: 20, licences: ['LIC-NONE'] }, quantity: 1, months: 1 }],
      'lines[0].spec.licences[0]',
    ],
    ['no lines', () => [], 'lines'],
    ['51 lines', () => Array.from({ length: 51 }, good), 'lines'],
    ['a start in the past', () => [good()], 'startsAt', { startsAt: '2026-06-01T07:59:59.999Z' }],
    ['a start too far ahead', () => [good()], 'startsAt', { startsAt: '2027-06-03T08:00:00.000Z' }],
  ];

  test.each(cases)('%s', async (_name, lines, field, options) => {
    const [quotes, quoteLines] = [await countRows('quotes'), await countRows('quote_lines')];
    const r = await create(lines(), options);
    expect(firstError(r)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    expect(firstError(r).message).toContain(field);
    expect(r.data).toBeNull();
    expect([await countRows('quotes'), await countRows('quote_lines')]).toEqual([quotes, quoteLines]);
  });

  test('a product no longer sold cannot be quoted, but its old quotes still read', async () => {
    const quoteId = await draft([{ productId: ids['VM-ECO-1C1G'], quantity: 1, months: 1 }]);
    const off = await h.gql(h.tokens.providerAdmin, 'mutation($id: ID!) { updateProduct(id: $id, input: { active: false }) { active } }', {
      id: ids['VM-ECO-1C1G'],
    });
    expect(dataOf(off).updateProduct.active).toBe(false);
    const r = await create([{ productId: ids['VM-ECO-1C1G'], quantity: 1, months: 1 }]);
    expect(firstError(r)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'lines[0].productId' } });
    expect(firstError(r).message).toContain('no longer sold');
    expect(dataOf(await h.gql(h.tokens.c1Member, GET_QUOTE, { id: quoteId })).quote.lines[0].product.sku).toBe('VM-ECO-1C1G');
  });
});

describe('lifecycle: DRAFT → ACCEPTED | EXPIRED', () => {
  test('accept a draft; it cannot be accepted or expired again', async () => {
    const id = await draft();
    const accepted = dataOf(await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id })).acceptQuote;
    expect(accepted).toEqual({ id, status: 'ACCEPTED', acceptedAt: TEST_NOW });
    expect(firstError(await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id }))).toMatchObject({ code: 'INVALID_STATE', extensions: { status: 'ACCEPTED' } });
    expect(codesOf(await h.gql(h.tokens.c1Member, EXPIRE_QUOTE, { id }))).toEqual(['INVALID_STATE']);
  });

  test('of 10 concurrent accepts exactly one wins, and exactly one event is written', async () => {
    const id = await draft();
    const results = await Promise.all(Array.from({ length: 10 }, () => h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id })));
    expect(results.filter((r) => r.data?.acceptQuote?.status === 'ACCEPTED')).toHaveLength(1);
    expect(results.flatMap(codesOf)).toEqual(Array(9).fill('INVALID_STATE'));
    const events = await h.subgraph.db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'catalog.quote.accepted').execute();
    const mine = events.filter((e) => (e.payload as { quoteId: string }).quoteId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.payload).toMatchObject({ organizationId: h.tree.customerA, total: { amountMinor: '91310', currency: 'ZAR' } }); // 794.00 + 119.10
  });

  test('accept racing expire: exactly one of them wins, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await draft();
      const [a, e] = await Promise.all([h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id }), h.gql(h.tokens.c1Member, EXPIRE_QUOTE, { id })]);
      const wins = [a.data?.acceptQuote?.status === 'ACCEPTED', e.data?.expireQuote?.status === 'EXPIRED'];
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect([...codesOf(a), ...codesOf(e)]).toEqual(['INVALID_STATE']);
      const final = dataOf(await h.gql(h.tokens.c1Member, GET_QUOTE, { id })).quote.status;
      expect(final).toBe(wins[0] ? 'ACCEPTED' : 'EXPIRED');
    }
  });

  test('expire a draft now; expiring it again changes nothing; it can no longer be accepted', async () => {
    const id = await draft();
    const expired = dataOf(await h.gql(h.tokens.c1Member, EXPIRE_QUOTE, { id })).expireQuote;
    expect(expired).toEqual({ id, status: 'EXPIRED', expiredAt: TEST_NOW });
    expect(dataOf(await h.gql(h.tokens.c1Member, EXPIRE_QUOTE, { id })).expireQuote).toEqual(expired);
    expect(firstError(await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id }))).toMatchObject({ code: 'INVALID_STATE', extensions: { status: 'EXPIRED' } });
  });

  test('validity: acceptable 1 ms before validUntil, expired from validUntil on (before the sweeper runs too)', async () => {
    const early = await draft();
    const late = await draft();
    const validUntil = new Date(new Date(TEST_NOW).getTime() + 30 * DAY_MS);
    try {
      h.clock.set(new Date(validUntil.getTime() - 1));
      expect(dataOf(await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id: early })).acceptQuote.status).toBe('ACCEPTED');
      h.clock.set(validUntil);
      const read = dataOf(await h.gql(h.tokens.c1Member, GET_QUOTE, { id: late })).quote;
      expect([read.status, read.expiredAt]).toEqual(['EXPIRED', validUntil.toISOString()]);
      const r = await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id: late });
      expect(firstError(r)).toMatchObject({ code: 'INVALID_STATE', extensions: { status: 'EXPIRED' } });
      expect(firstError(r).message).toContain(validUntil.toISOString());
      // The sweeper records what reads already showed; the accepted quote is untouched.
      expect(await h.subgraph.expireDueQuotes(validUntil)).toBeGreaterThanOrEqual(1);
      const stored = await h.subgraph.db.selectFrom('quotes').select(['id', 'status', 'expired_at']).where('id', 'in', [early, late]).execute();
      expect(Object.fromEntries(stored.map((q) => [q.id, [q.status, q.expired_at?.toISOString() ?? null]]))).toEqual({
        [early]: ['ACCEPTED', null],
        [late]: ['EXPIRED', validUntil.toISOString()],
      });
      expect(await h.subgraph.expireDueQuotes(validUntil)).toBe(0);
    } finally {
      h.clock.set(TEST_NOW);
    }
  });

  test('a written quote cannot be altered in the database: figures are fixed, accepted quotes are final', async () => {
    const id = await draft();
    await expect(sql`update quotes set total_minor = total_minor + 1, vat_minor = vat_minor + 1 where id = ${id}`.execute(h.subgraph.db)).rejects.toThrow(
      /immutable/,
    );
    await expect(sql`update quote_lines set amount_minor = 1 where quote_id = ${id}`.execute(h.subgraph.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from quotes where id = ${id}`.execute(h.subgraph.db)).rejects.toThrow(/append-only/);
    dataOf(await h.gql(h.tokens.c1Member, ACCEPT_QUOTE, { id }));
    await expect(sql`update quotes set status = 'DRAFT', accepted_at = null where id = ${id}`.execute(h.subgraph.db)).rejects.toThrow(/can no longer change/);
  });
});
