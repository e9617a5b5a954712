import { describe, expect, test } from 'vitest';
import { rate, lineAmount, lineAmountOf, RatedUsage, totalsOf, hoursOf, MONTH_MS, type PriceSchedule } from '../src/domain/rating.ts';
import { spansOf, type VmObservation } from '../src/domain/usage.ts';
import { periodContaining, parsePeriod, periodBefore } from '../src/domain/period.ts';

const VM = '01900000-0000-7000-8000-000000000001';
const ORG = '01900000-0000-7000-8000-0000000000aa';
const H = 3_600_000;
const nov = parsePeriod('2026-11');
const at = (iso: string) => new Date(iso);

const shape: VmObservation['shape'] = { vcpu: 2, cpuSpeed: 'STANDARD', memoryGib: 4, diskGib: 150, storageTier: 'STANDARD', licences: [], addOns: [] };
function obs(sourceId: string, iso: string, running: boolean, allocated = true, s: VmObservation['shape'] = shape): VmObservation {
  return { sourceId, vmId: VM, organizationId: ORG, productId: null, at: at(iso), running, allocated, shape: s, source: 'event' };
}

function schedule(overrides: Partial<{ cpu: [string, bigint][]; vat: [string, number][] }> = {}): PriceSchedule {
  const list = (entries: [string, bigint][], productId: string) =>
    entries.map(([from, monthlyMinor]) => ({ productId, monthlyMinor, effectiveFrom: at(from) }));
  return {
    currency: 'ZAR',
    prices: new Map([
      ['CPU-STD-VCPU', list(overrides.cpu ?? [['2026-01-01T00:00:00Z', 15500n]], '01900000-0000-7000-8000-0000000000c1')],
      ['RAM-GIB', list([['2026-01-01T00:00:00Z', 3800n]], '01900000-0000-7000-8000-0000000000c2')],
      ['STO-STD-100G', list([['2026-01-01T00:00:00Z', 18000n]], '01900000-0000-7000-8000-0000000000c3')],
    ]),
    vatRates: (overrides.vat ?? [['2020-01-01T00:00:00Z', 1500]]).map(([from, basisPoints]) => ({ basisPoints, effectiveFrom: at(from) })),
  };
}

describe('periods', () => {
  test('a period is the UTC calendar month; "2026-11" parses, "2026-13" is refused naming the field', () => {
    expect(periodContaining(at('2026-11-30T23:59:59.999Z'))).toEqual({ start: at('2026-11-01T00:00:00Z'), end: at('2026-12-01T00:00:00Z') });
    expect(periodBefore(at('2026-01-15T00:00:00Z'))).toEqual({ start: at('2025-12-01T00:00:00Z'), end: at('2026-01-01T00:00:00Z') });
    expect(() => parsePeriod('2026-13', 'period')).toThrow('period: must be a month like "2026-11".');
  });
});

describe('rating', () => {
  test('compute is counted while running, storage while allocated: 10 h on then 14 h off', () => {
    const spans = spansOf([obs('a', '2026-11-10T00:00:00Z', true), obs('b', '2026-11-10T10:00:00Z', false)], nov.start, at('2026-11-11T00:00:00Z'));
    const rated = rate(spans, schedule());
    expect(rated.lines.map((l) => [l.sku, l.quantity, hoursOf(l.millis), l.amountMinor])).toEqual([
      // 2 × 15500 × 10 / 744 = 416.666… → 417
      ['CPU-STD-VCPU', 2, '10.00', 417n],
      // 4 × 3800 × 10 / 744 = 204.30… → 204
      ['RAM-GIB', 4, '10.00', 204n],
      // 2 blocks × 18000 × 24 / 744 = 1161.29… → 1161
      ['STO-STD-100G', 2, '24.00', 1161n],
    ]);
    expect([rated.subtotalMinor, rated.vatMinor, rated.totalMinor]).toEqual([1782n, 267n, 2049n]);
  });

  test('a VM powered on in October and off in November is billed in each period for its own hours', () => {
    const observations = [obs('on', '2026-10-31T22:00:00Z', true), obs('off', '2026-11-01T03:00:00Z', false)];
    const oct = parsePeriod('2026-10');
    const cpu = (from: Date, to: Date) => rate(spansOf(observations, from, to), schedule()).lines.find((l) => l.sku === 'CPU-STD-VCPU');
    expect(hoursOf(cpu(oct.start, oct.end)!.millis)).toBe('2.00');
    expect(cpu(oct.start, oct.end)!.to).toEqual(at('2026-11-01T00:00:00Z'));
    expect(hoursOf(cpu(nov.start, nov.end)!.millis)).toBe('3.00');
    expect(cpu(nov.start, nov.end)!.from).toEqual(at('2026-11-01T00:00:00Z'));
  });

  test('a late event slots in by event time and a duplicate changes nothing', () => {
    const inOrder = [obs('on', '2026-11-02T00:00:00Z', true), obs('off', '2026-11-02T05:00:00Z', false), obs('on2', '2026-11-03T00:00:00Z', true)];
    const late = [inOrder[2]!, inOrder[0]!, inOrder[1]!, inOrder[1]!];
    const until = at('2026-11-03T02:00:00Z');
    const a = rate(spansOf(inOrder, nov.start, until), schedule());
    const b = rate(spansOf(late, nov.start, until), schedule());
    expect(b).toEqual(a);
    expect(hoursOf(a.lines.find((l) => l.sku === 'CPU-STD-VCPU')!.millis)).toBe('7.00');
  });

  test('a price change mid-period splits the line at the instant it starts', () => {
    const spans = spansOf([obs('on', '2026-11-01T00:00:00Z', true)], nov.start, nov.end);
    const rated = rate(
      spans,
      schedule({
        cpu: [
          ['2026-01-01T00:00:00Z', 15500n],
          ['2026-11-16T00:00:00Z', 16200n],
        ],
      }),
    );
    const cpu = rated.lines.filter((l) => l.sku === 'CPU-STD-VCPU');
    expect(cpu.map((l) => [l.unitPriceMinor, hoursOf(l.millis), l.from.toISOString(), l.to.toISOString(), l.amountMinor])).toEqual([
      // 2 × 15500 × 360 / 744 = 15000
      [15500n, '360.00', '2026-11-01T00:00:00.000Z', '2026-11-16T00:00:00.000Z', 15000n],
      // 2 × 16200 × 360 / 744 = 15677.419… → 15677
      [16200n, '360.00', '2026-11-16T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 15677n],
    ]);
  });

  test('a VAT change mid-period splits lines and applies each rate to the sum of its lines', () => {
    const spans = spansOf([obs('on', '2026-11-01T00:00:00Z', false)], nov.start, nov.end);
    const rated = rate(
      spans,
      schedule({
        vat: [
          ['2020-01-01T00:00:00Z', 1500],
          ['2026-11-16T00:00:00Z', 1600],
        ],
      }),
    );
    // storage only (stopped): 2 blocks × 18000 × 360 / 744 = 17419.35… → 17419 under each rate
    expect(rated.lines.map((l) => [l.vatBasisPoints, l.amountMinor])).toEqual([
      [1500, 17419n],
      [1600, 17419n],
    ]);
    // 17419 × 15 % = 2612.85 → 2613; 17419 × 16 % = 2787.04 → 2787
    expect([rated.subtotalMinor, rated.vatMinor, rated.totalMinor]).toEqual([34838n, 5400n, 40238n]);
  });

  test('many small on/off spans are one line, rounded once (not per span)', () => {
    // 100 spans of 36 s running: each alone is 2 × 15500 × 0.01 / 744 = 0.4166 c (rounds to 0); together 1 h.
    const many: VmObservation[] = [];
    for (let i = 0; i < 100; i += 1) {
      const start = Date.UTC(2026, 10, 5) + i * 2 * 36_000;
      many.push(obs(`on${i}`, new Date(start).toISOString(), true), obs(`off${i}`, new Date(start + 36_000).toISOString(), false));
    }
    const rated = rate(spansOf(many, nov.start, at('2026-11-06T00:00:00Z')), schedule());
    const cpu = rated.lines.filter((l) => l.sku === 'CPU-STD-VCPU');
    expect(cpu).toHaveLength(1);
    expect(hoursOf(cpu[0]!.millis)).toBe('1.00');
    // 2 × 15500 × 1 / 744 = 41.666… → 42, where rounding each span would give 0
    expect(cpu[0]!.amountMinor).toBe(42n);
    expect(lineAmount(15500n, 2, 36_000n)).toBe(0n);
  });

  test('half-even: exact halves go to the even cent', () => {
    // 744 h-ms denominators: 1 unit at 1 c/month for 372 h is 0.5 c → 0; 3 c for 372 h is 1.5 c → 2
    expect(lineAmount(1n, 1, 372n * BigInt(H))).toBe(0n);
    expect(lineAmount(3n, 1, 372n * BigInt(H))).toBe(2n);
    expect(totalsOf([{ amountMinor: 10n, vatBasisPoints: 1500 }])).toEqual({ subtotalMinor: 10n, vatMinor: 2n, totalMinor: 12n });
    expect(totalsOf([{ amountMinor: 30n, vatBasisPoints: 1500 }])).toEqual({ subtotalMinor: 30n, vatMinor: 4n, totalMinor: 34n });
  });

  test('usage with no price in force is refused, never billed as zero', () => {
    const spans = spansOf([obs('on', '2025-12-31T00:00:00Z', true)], at('2025-12-31T00:00:00Z'), at('2026-01-02T00:00:00Z'));
    expect(() => rate(spans, schedule())).toThrow('No price for CPU-STD-VCPU in force at 2025-12-31T00:00:00.000Z.');
  });
});

describe('rated usage cut at any instant', () => {
  const observations = [obs('on', '2026-11-02T00:00:00Z', true), obs('off', '2026-11-10T06:00:00Z', false), obs('on2', '2026-11-12T00:00:00Z', true)];
  const changes = schedule({
    cpu: [
      ['2026-01-01T00:00:00Z', 15500n],
      ['2026-11-16T00:00:00Z', 16200n],
    ],
    vat: [
      ['2020-01-01T00:00:00Z', 1500],
      ['2026-11-20T00:00:00Z', 1600],
    ],
  });
  const usage = RatedUsage.of(spansOf(observations, nov.start, nov.end), changes);

  test('before(asOf) is the rating of the usage up to asOf, across on/off, a price change and a VAT change', () => {
    for (const iso of [
      '2026-11-01T00:00:00Z',
      '2026-11-05T13:17:01.123Z',
      '2026-11-10T06:00:00Z',
      '2026-11-11T00:00:00Z',
      '2026-11-17T09:00:00.001Z',
      '2026-11-25T23:59:59.999Z',
      '2026-12-01T00:00:00Z',
    ]) {
      expect(usage.before(at(iso))).toEqual(rate(spansOf(observations, nov.start, at(iso)), changes));
    }
    // 2 Nov to 10 Nov 06:00 (198 h) and 12 Nov to 16 Nov (96 h) at R155, then 24 h at R162 under 15 % VAT:
    // 2 × 15500 × 198 / 744 = 8250; 2 × 15500 × 96 / 744 = 4000; 2 × 16200 × 24 / 744 = 1045.16… → 1045
    const cpu = usage.before(at('2026-11-17T00:00:00Z')).lines.filter((l) => l.sku === 'CPU-STD-VCPU');
    expect(cpu.map((l) => [l.unitPriceMinor, hoursOf(l.millis), l.amountMinor, l.to.toISOString()])).toEqual([
      [15500n, '294.00', 12250n, '2026-11-16T00:00:00.000Z'],
      [16200n, '24.00', 1045n, '2026-11-17T00:00:00.000Z'],
    ]);
    expect(usage.whole).toEqual(rate(spansOf(observations, nov.start, nov.end), changes));
  });

  test('amounts in doubles are the exact half-even amounts, halves and the bigint fallback included', () => {
    const halfMonth = Number(MONTH_MS / 2n);
    // 0.5 c → 0, 1.5 c → 2, 2.5 c → 2: to the even cent.
    expect([lineAmountOf(1n, 1, halfMonth), lineAmountOf(3n, 1, halfMonth), lineAmountOf(5n, 1, halfMonth)]).toEqual([0n, 2n, 2n]);
    // Past 2^52 the product goes through bigint: 64 vCPUs at R 10,000,000.00 for a whole month.
    expect(lineAmountOf(1_000_000_000n, 64, Number(MONTH_MS))).toBe(64_000_000_000n);
    let seed = 12345;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 5_000; i++) {
      // Every other draw small enough for the double path, the rest mostly past it.
      const price = BigInt(next(i % 2 ? 30_000 : 100_000_000));
      const quantity = 1 + next(i % 2 ? 16 : 512);
      const millis = next(Number(MONTH_MS) + 1);
      expect(lineAmountOf(price, quantity, millis)).toBe(lineAmount(price, quantity, BigInt(millis)));
    }
  });
});

describe('rating licences and add-ons', () => {
  const LIC = '01900000-0000-7000-8000-0000000000d1';
  const BACKUP = '01900000-0000-7000-8000-0000000000d2';
  const withExtras = (): PriceSchedule => {
    const base = schedule();
    const prices = new Map(base.prices);
    prices.set('LIC-WIN-SRV', [{ productId: LIC, monthlyMinor: 8900n, effectiveFrom: at('2026-01-01T00:00:00Z') }]);
    prices.set('ADD-BACKUP', [
      { productId: BACKUP, monthlyMinor: 4500n, effectiveFrom: at('2026-01-01T00:00:00Z') },
      { productId: BACKUP, monthlyMinor: 6000n, effectiveFrom: at('2026-12-01T00:00:00Z') },
    ]);
    return { ...base, prices };
  };
  const windows: VmObservation['shape'] = { ...shape, licences: ['LIC-WIN-SRV'], addOns: ['ADD-BACKUP'] };
  const extrasOf = (lines: readonly { sku: string; amountMinor: bigint; millis: bigint; from: Date }[]) =>
    lines.filter((l) => l.sku === 'LIC-WIN-SRV' || l.sku === 'ADD-BACKUP').map((l) => [l.sku, hoursOf(l.millis), l.amountMinor, l.from.toISOString()]);

  test('a licence counts per running hour at monthly / 744 (10 h of 31-day October: 89.00 × 10 / 744 = 1.196… → 1.20); an add-on while allocated', () => {
    const oct = parsePeriod('2026-10');
    const observations = [obs('a', '2026-10-05T00:00:00Z', true, true, windows), obs('b', '2026-10-05T10:00:00Z', false, true, windows)];
    expect(extrasOf(rate(spansOf(observations, oct.start, oct.end), withExtras()).lines)).toEqual([
      // allocated 27 days of 31 (648 h of 744): 45.00 × 648 / 744 = 39.193… → 39.19
      ['ADD-BACKUP', '648.00', 3919n, '2026-10-05T00:00:00.000Z'],
      ['LIC-WIN-SRV', '10.00', 120n, '2026-10-05T00:00:00.000Z'],
    ]);
  });

  test('a stopped VM accrues no licence; an add-on is pro rata over each calendar month, cut at the month and at a price change', () => {
    // Stopped from 16 October to 16 January: no licence; the add-on by month.
    const observations = [obs('a', '2026-10-16T00:00:00Z', false, true, windows)];
    const lines = rate(spansOf(observations, at('2026-10-01T00:00:00Z'), at('2027-01-16T00:00:00Z')), withExtras()).lines;
    expect(extrasOf(lines)).toEqual([
      // 16 of October's 31 days: 45.00 × 16 / 31 = 23.225… → 23.23
      ['ADD-BACKUP', '384.00', 2323n, '2026-10-16T00:00:00.000Z'],
      // the whole of November (30 days): the monthly price
      ['ADD-BACKUP', '720.00', 4500n, '2026-11-01T00:00:00.000Z'],
      // December at the new price, whole
      ['ADD-BACKUP', '744.00', 6000n, '2026-12-01T00:00:00.000Z'],
      // 15 of January's 31 days at 60.00: 60.00 × 15 / 31 = 29.032… → 29.03
      ['ADD-BACKUP', '360.00', 2903n, '2027-01-01T00:00:00.000Z'],
    ]);
    // A whole February (28 days) is the monthly price too.
    const feb = parsePeriod('2027-02');
    expect(extrasOf(rate(spansOf([obs('f', '2027-01-20T00:00:00Z', false, true, windows)], feb.start, feb.end), withExtras()).lines)).toEqual([
      ['ADD-BACKUP', '672.00', 6000n, '2027-02-01T00:00:00.000Z'],
    ]);
  });

  test('an add-on part way through a month: before(asOf) rounds its part once, like a whole rating to asOf', () => {
    const observations = [obs('a', '2026-11-01T00:00:00Z', true, true, windows), obs('b', '2026-11-16T00:00:00Z', false, false, windows)];
    const usage = RatedUsage.of(spansOf(observations, nov.start, nov.end), withExtras());
    for (const iso of ['2026-11-03T07:00:00Z', '2026-11-16T00:00:00Z', '2026-11-20T00:00:00Z']) {
      expect(usage.before(at(iso))).toEqual(rate(spansOf(observations, nov.start, at(iso)), withExtras()));
    }
    // Deleted on the 16th: 15 days of 30 = exactly half of 45.00.
    expect(extrasOf(usage.whole.lines).find(([sku]) => sku === 'ADD-BACKUP')).toEqual(['ADD-BACKUP', '360.00', 2250n, '2026-11-01T00:00:00.000Z']);
  });
});
