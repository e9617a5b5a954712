import { expect, test } from 'vitest';
import { parseMoneyAmount, parseMoneyInput, parseOptionalMoneyAmount } from '../src/index.ts';

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return { message: (error as Error).message, ...(error as { extensions: Record<string, unknown> }).extensions };
  }
  throw new Error('expected a refusal');
};

test('a money argument is minor units; a refusal is BAD_USER_INPUT naming the field (amount unless told)', () => {
  expect(parseMoneyAmount('150.5')).toBe(15050n);
  expect(parseMoneyAmount('-2.50', 'delta', { allowNegative: true })).toBe(-250n);
  expect(refusal(() => parseMoneyAmount('1e3'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
  expect(refusal(() => parseMoneyAmount('0', 'price'))).toMatchObject({ field: 'price', message: 'price: must be more than zero.' });
  expect(parseMoneyAmount('0', 'threshold', { allowZero: true })).toBe(0n);
});

test('an optional amount is null when absent, checked otherwise', () => {
  expect(parseOptionalMoneyAmount(null)).toBeNull();
  expect(parseOptionalMoneyAmount(undefined, 'threshold')).toBeNull();
  expect(parseOptionalMoneyAmount('7.25')).toBe(725n);
  expect(refusal(() => parseOptionalMoneyAmount('-1', 'threshold', { allowZero: true }))).toMatchObject({ field: 'threshold' });
});

test('an amount and currency pair: ZAR by default, any other currency refused naming currency', () => {
  expect(parseMoneyInput({ amount: '10' })).toEqual({ amount: 1000n, currency: 'ZAR' });
  expect(parseMoneyInput({ amount: '10', currency: null })).toEqual({ amount: 1000n, currency: 'ZAR' });
  expect(refusal(() => parseMoneyInput({ amount: '10', currency: 'USD' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
  expect(refusal(() => parseMoneyInput({ amount: 'ten', currency: 'ZAR' }))).toMatchObject({ field: 'amount' });
  expect(parseMoneyInput({ amount: '-1' }, { allowNegative: true })).toEqual({ amount: -100n, currency: 'ZAR' });
});
