import fc from 'fast-check';
import { expect, test } from 'vitest';
import { divideHalfEven, MAX_MINOR, parseAmount, toMoney } from '../src/index.ts';

test('amounts parse exactly to minor units', () => {
  expect(parseAmount('12', 'amount')).toBe(1200n);
  expect(parseAmount('12.5', 'amount')).toBe(1250n);
  expect(parseAmount('0.01', 'amount')).toBe(1n);
  expect(parseAmount('-3.10', 'amount', { allowNegative: true })).toBe(-310n);
});

test.each(['1e3', '1.001', '0.1.2', '', 'abc', '١٢', ' 12 3', '12,50', 'Infinity', 'NaN'])('%j is refused naming the field', (value) => {
  expect(() => parseAmount(value, 'input.amount')).toThrow(/input\.amount/);
});

test('zero, negatives and absurd amounts are refused unless allowed', () => {
  expect(() => parseAmount('0', 'amount')).toThrow(/more than zero/);
  expect(() => parseAmount('-1', 'amount')).toThrow(/negative/);
  expect(() => parseAmount('99999999999999999', 'amount')).toThrow();
  expect(() => parseAmount(toMoney(MAX_MINOR + 1n).amount, 'amount')).toThrow(/at most/);
  expect(parseAmount('0', 'amount', { allowZero: true })).toBe(0n);
});

test('toMoney formats minor units exactly, including negatives and bigint beyond float precision', () => {
  expect(toMoney(0n)).toEqual({ amount: '0.00', currency: 'ZAR' });
  expect(toMoney(-5n)).toEqual({ amount: '-0.05', currency: 'ZAR' });
  expect(toMoney(900719925474099312n).amount).toBe('9007199254740993.12');
});

test('half-even division: ties go to the even neighbour, both signs', () => {
  expect(divideHalfEven(5n, 2n)).toBe(2n); // 2.5 → 2
  expect(divideHalfEven(7n, 2n)).toBe(4n); // 3.5 → 4
  expect(divideHalfEven(-5n, 2n)).toBe(-2n);
  expect(divideHalfEven(-7n, 2n)).toBe(-4n);
  expect(divideHalfEven(15500n, 744n)).toBe(21n); // R155/month → 20.83 c/h → 21 c
  expect(() => divideHalfEven(1n, 0n)).toThrow(RangeError);
});

test('parse ∘ format is the identity on every amount in range', () => {
  fc.assert(fc.property(fc.bigInt({ min: 1n, max: MAX_MINOR }), (minor) => parseAmount(toMoney(minor).amount, 'amount') === minor));
});

test('half-even division is within half a unit of the exact quotient', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
      const q = divideHalfEven(n, d);
      const diff = q * d - n; // (q - n/d) * d
      return 2n * (diff < 0n ? -diff : diff) <= d;
    }),
  );
});
