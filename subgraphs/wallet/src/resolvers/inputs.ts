import { badInput, parseAmount, parseCurrency } from '@platform/kernel';
import { MAX_HOLD_TTL_SECONDS } from '../config.ts';

// Validation at the edge: every rejection names its field, before anything is written.

export const amountArg = (value: string, field = 'amount', options: { allowNegative?: boolean; allowZero?: boolean } = {}): bigint =>
  parseAmount(value, field, options);

export const currencyArg = (value: string | null | undefined, field = 'currency'): string => parseCurrency(value, field);

export function expiresInSecondsArg(value: number | null | undefined, field = 'expiresInSeconds'): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_HOLD_TTL_SECONDS) throw badInput(field, `must be between 1 and ${MAX_HOLD_TTL_SECONDS}.`);
  return value;
}
