import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { basisPointsAsPercent, hourlyFromMonthly, lineAmount, totalsOf, vatOn } from '../src/domain/pricing.ts';
import { storageBlocks } from '../src/domain/vm-spec.ts';

// The rounding rules of src/domain/pricing.ts, on exact integers (cents).

describe('hourly = monthly / 744, rounded half to even', () => {
  test.each([
    [15_500n, 21n], // 20.83 → 21
    [7_800n, 10n], // 10.48 → 10
    [3_800n, 5n], // 5.107 → 5
    [372n, 0n], // exactly 0.5: tie → even 0
    [1_116n, 2n], // exactly 1.5: tie → even 2
    [1_860n, 2n], // exactly 2.5: tie → even 2
    [2_604n, 4n], // exactly 3.5: tie → even 4
    [373n, 1n], // just over a half
    [371n, 0n], // just under a half
    [74_400n, 100n], // exact
  ])('%i cents a month → %i cents an hour', (monthly, hourly) => {
    expect(hourlyFromMonthly(monthly)).toBe(hourly);
  });
});

describe('a line is rounded once, on its exact value', () => {
  test('whole months: unit × quantity × months, no rounding', () => {
    expect(lineAmount(79_400n, 3, { months: 12 })).toBe(2_858_400n);
  });

  test('hours: unit × quantity × hours / 744, not from a rounded hourly rate', () => {
    // R1.00 a month for 5 hours: exact 0.672 c → 1 c; via the rounded hourly rate (0 c) it would be 0.
    expect(lineAmount(100n, 1, { hours: 5 })).toBe(1n);
    expect(hourlyFromMonthly(100n) * 5n).toBe(0n);
    // R155.00 × 2 for 100 hours = 4166.66… c → 4167
    expect(lineAmount(15_500n, 2, { hours: 100 })).toBe(4_167n);
  });

  test('half-even ties on a line: 0.5 → 0, 1.5 → 2, 2.5 → 2', () => {
    expect(lineAmount(372n, 1, { hours: 1 })).toBe(0n);
    expect(lineAmount(372n, 3, { hours: 1 })).toBe(2n);
    expect(lineAmount(372n, 5, { hours: 1 })).toBe(2n);
    expect(lineAmount(186n, 1, { hours: 2 })).toBe(0n); // 372/744 = 0.5
  });
});

describe('totals: subtotal = sum of rounded lines; VAT once on the subtotal', () => {
  test('many small lines: each line rounds on its own, the subtotal sums what the lines show', () => {
    // 100 lines of 1 hour at R1.00/month: each 0.134 c → 0 c. The quote shows 100 × 0.00 and a 0.00 subtotal,
    // never a subtotal of 13 c that no line accounts for.
    const lines = Array.from({ length: 100 }, () => lineAmount(100n, 1, { hours: 1 }));
    expect(lines.every((l) => l === 0n)).toBe(true);
    expect(totalsOf(lines, 1500)).toEqual({ subtotalMinor: 0n, vatMinor: 0n, totalMinor: 0n });
  });

  test('VAT is on the sum, not summed per line', () => {
    // Three lines of 3 c: per-line VAT would be 3 × round(0.45) = 0; on the sum 9 c × 15 % = 1.35 → 1.
    const lines = [3n, 3n, 3n];
    expect(lines.reduce((s, l) => s + vatOn(l, 1500), 0n)).toBe(0n);
    expect(totalsOf(lines, 1500)).toEqual({ subtotalMinor: 9n, vatMinor: 1n, totalMinor: 10n });
  });

  test('VAT ties round half to even: 0.5 → 0, 1.5 → 2, 2.5 → 2', () => {
    // 15 % of 10 c = 1.5 → 2; of 30 c = 4.5 → 4; of 50 c = 7.5 → 8. At 12.5 %: 4 c → 0.5 → 0; 12 c → 1.5 → 2; 20 c → 2.5 → 2.
    expect([10n, 30n, 50n].map((s) => vatOn(s, 1500))).toEqual([2n, 4n, 8n]);
    expect([4n, 12n, 20n].map((s) => vatOn(s, 1250))).toEqual([0n, 2n, 2n]);
  });

  test('property: total = subtotal + VAT, subtotal = Σ lines, VAT within half a cent of exact', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { maxLength: 60 }), fc.integer({ min: 0, max: 10_000 }), (lines, bp) => {
        const t = totalsOf(lines, bp);
        expect(t.subtotalMinor).toBe(lines.reduce((s, l) => s + l, 0n));
        expect(t.totalMinor).toBe(t.subtotalMinor + t.vatMinor);
        const twiceError = 2n * (t.vatMinor * 10_000n - t.subtotalMinor * BigInt(bp)); // in 1/10,000 c, doubled
        expect(twiceError <= 10_000n && twiceError >= -10_000n).toBe(true);
      }),
    );
  });

  test('property: an hours line is within half a cent of its exact value and never drifts with the split', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 8928 }), (unit, qty, hours) => {
        const amount = lineAmount(unit, qty, { hours });
        const exactTimes744 = unit * BigInt(qty) * BigInt(hours);
        const diff = amount * 744n - exactTimes744;
        expect(2n * (diff < 0n ? -diff : diff) <= 744n).toBe(true);
      }),
    );
  });
});

describe('helpers', () => {
  test('basis points as a percent string', () => {
    expect([1500, 1250, 5, 0, 10_000].map(basisPointsAsPercent)).toEqual(['15.00', '12.50', '0.05', '0.00', '100.00']);
  });

  test('storage is billed per started 100 GiB block', () => {
    expect([20, 99, 100, 101, 200, 10_000].map(storageBlocks)).toEqual([1, 1, 1, 2, 2, 100]);
  });
});
